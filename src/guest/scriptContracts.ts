/**
 * The guest scripts' contracts live in domain/ (the orchestration decides on them and may import only
 * domain/); this module is their home for the guest channel and wrappers.
 */
export * from '../domain/guestScriptContracts';
