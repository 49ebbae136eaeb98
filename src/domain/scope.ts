/**
 * REPAIR_ALLOWED_SCOPES: the subscriptions and resource groups the app may touch. The app's identity may hold
 * wider rights than the operators meant to delegate to an automatic repairer; this list is the operators' word.
 */
import { quoteInput } from './echo';
import { identityKey, isUnderKey } from './identity';
import type { ParseResult } from './vmResourceId';

export interface Scope {
  subscriptionId: string;
  resourceGroup?: string;
  /** identityKey of the canonical prefix, e.g. /subscriptions/x/resourcegroups/rg (ARM's comparison, identity.ts). */
  key: string;
}

const SUBSCRIPTION_SCOPE = /^\/subscriptions\/([0-9a-f-]{36})$/i;
const RESOURCE_GROUP_SCOPE = /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([^/]+)$/i;

export function parseScopes(setting: string | undefined): ParseResult<Scope[]> {
  if (setting === undefined || setting.trim() === '') return { ok: true, value: [] };
  const scopes: Scope[] = [];
  for (const raw of setting.split(',')) {
    const entry = raw.trim().replace(/\/+$/, '');
    if (entry === '') continue;
    const sub = SUBSCRIPTION_SCOPE.exec(entry);
    const rg = RESOURCE_GROUP_SCOPE.exec(entry);
    if (sub) {
      scopes.push({ subscriptionId: sub[1].toLowerCase(), key: identityKey(`/subscriptions/${sub[1]}`) });
    } else if (rg) {
      scopes.push({
        subscriptionId: rg[1].toLowerCase(),
        resourceGroup: rg[2],
        key: identityKey(`/subscriptions/${rg[1]}/resourcegroups/${rg[2]}`),
      });
    } else {
      return {
        ok: false,
        message:
          `REPAIR_ALLOWED_SCOPES entry ${quoteInput(entry)} is neither /subscriptions/{id} nor ` +
          `/subscriptions/{id}/resourceGroups/{name}`,
      };
    }
  }
  return { ok: true, value: scopes };
}

/** True when the VM (by its identityKey, VmResourceId.key) lies inside one of the scopes. */
export function isInScope(vmKey: string, scopes: readonly Scope[]): boolean {
  return scopes.some((s) => isUnderKey(vmKey, s.key));
}
