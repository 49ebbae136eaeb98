/**
 * SIMULATED: the real SDK clients wired to the simulated ARM, through the production factory (createArmClients)
 * so that tests exercise the same construction path as the app.
 */
import { createArmClients, type ArmClients, type ArmRetryOptions } from '../../azure/clients';
import { SimulatedCredential } from './credential';
import type { SimulatedArm } from './simulatedArm';

export interface SimulatedArmClientOptions {
  /** Default 1 ms: virtual time makes waiting pointless, but a real timer keeps the event loop honest. */
  lroPollIntervalMs?: number;
  /** Default: the SDK's 3 retries, but 1-10 ms apart instead of seconds, so retry tests stay fast. */
  retryOptions?: ArmRetryOptions;
}

export const FAST_RETRY_OPTIONS: Readonly<Required<ArmRetryOptions>> = Object.freeze({
  maxRetries: 3,
  retryDelayInMs: 1,
  maxRetryDelayInMs: 10,
});

export function createSimulatedArmClients(arm: SimulatedArm, options: SimulatedArmClientOptions = {}): ArmClients {
  return createArmClients({
    credential: new SimulatedCredential(),
    httpClient: arm,
    lroPollIntervalMs: options.lroPollIntervalMs ?? 1,
    retryOptions: options.retryOptions ?? FAST_RETRY_OPTIONS,
  });
}
