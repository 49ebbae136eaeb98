/**
 * SIMULATED: the Functions host stand-in's public surface (registry, core-module install, invocation contexts).
 * Never registered as a function.
 */
export * from './FunctionRegistry';
export { installFunctionsCoreStandIn, loadFunctionApp, registerFunctionApp, standInRegistry } from './installFunctionsCoreStandIn';
export { createInvocationContext } from './invocationContext';
export type { CreateInvocationContextOptions, FunctionLogEntry, FunctionLogSink } from './invocationContext';
export { matchHttpRoute } from './httpRoute';
export { freshRequireCache } from './moduleIsolation';
export type { ModuleIsolation } from './moduleIsolation';
