/**
 * Finding the VMs that opted in: per scope of REPAIR_ALLOWED_SCOPES, one list call (Virtual Machines - List for
 * a resource group, Virtual Machines - List All for a subscription), keeping the VMs tagged
 * `rdp-autorepair-watch=on`. Per-scope listing rather than Resource Graph: it needs only the
 * Microsoft.Compute/virtualMachines/read the repair already holds on those scopes, reads ARM itself (Resource
 * Graph lags changes by up to a minute or more) and adds no dependency. Read-only.
 */
import type { VirtualMachine } from '@azure/arm-compute';
import { vmFactsFromArm } from '../activities/vmFactsFromArm';
import type { ArmClients } from '../azure/clients';
import { classifyAzureError } from '../azure/errors';
import { identityKey } from '../domain/identity';
import { isInScope, type Scope } from '../domain/scope';
import { WATCH_TAG, WATCH_TAG_VALUE } from '../domain/watchConfig';
import type { VmFacts } from '../domain/vmFacts';

export interface Discovery {
  vms: VmFacts[];
  /** Scopes that could not be listed, each with ARM's reason: the round names them instead of skipping silently. */
  failures: Array<{ scope: string; reason: string }>;
}

/** Tag names compare case-insensitively in ARM; the value `on` is accepted in any case. */
export function optedIn(tags: Record<string, string> | undefined): boolean {
  if (!tags) return false;
  return Object.entries(tags).some(([k, v]) => k.toLowerCase() === WATCH_TAG && String(v).trim().toLowerCase() === WATCH_TAG_VALUE);
}

async function listScope(arm: ArmClients, scope: Scope): Promise<VirtualMachine[]> {
  const compute = arm.compute(scope.subscriptionId);
  const pages = scope.resourceGroup ? compute.virtualMachines.list(scope.resourceGroup) : compute.virtualMachines.listAll();
  const out: VirtualMachine[] = [];
  for await (const vm of pages) out.push(vm);
  return out;
}

export async function discoverWatchedVms(arm: ArmClients, scopes: readonly Scope[]): Promise<Discovery> {
  const seen = new Map<string, VmFacts>();
  const failures: Discovery['failures'] = [];
  for (const scope of scopes) {
    try {
      for (const vm of await listScope(arm, scope)) {
        if (!vm.id || !optedIn(vm.tags)) continue;
        const key = identityKey(vm.id);
        // A resource group listed inside a listed subscription names its VMs twice.
        if (seen.has(key) || !isInScope(key, scopes)) continue;
        seen.set(key, vmFactsFromArm(vm));
      }
    } catch (err) {
      failures.push({ scope: scope.key, reason: classifyAzureError(err, 'list VMs', scope.key).message });
    }
  }
  return { vms: [...seen.values()], failures };
}
