/**
 * SIMULATED: a TokenCredential for the simulated ARM. It hands out a fixed, obviously fake token so the SDK's
 * bearer-token policy runs as in production (the simulated ARM refuses requests without it). It is not a secret
 * and grants nothing anywhere.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

export const SIMULATED_TOKEN = 'simulated-arm-token-not-a-secret';

export class SimulatedCredential implements TokenCredential {
  /** Scopes requested so far, so tests can check the SDK asked for the ARM audience. */
  readonly requestedScopes: string[] = [];

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.requestedScopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    // Real time, not virtual: the SDK compares token expiry with Date.now().
    return { token: SIMULATED_TOKEN, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
  }
}
