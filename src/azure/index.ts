/** The Azure layer: clients, resource ids, long-running operations, error classification. SDK imports only. */
export * from './clients';
export * from './errors';
export * from './lro';
export * from './resourceId';
