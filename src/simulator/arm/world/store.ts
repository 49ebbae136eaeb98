/**
 * SIMULATED: the simulated subscription's resources, keyed case-insensitively by ARM id (ARM ids are
 * case-insensitive; `/subscriptions/X/resourcegroups/...` and `/subscriptions/X/resourceGroups/...` are one id).
 */
import type {
  DiskState,
  NetworkInterfaceState,
  NetworkSecurityGroupState,
  PublicIpState,
  ResourceGroupState,
  SnapshotState,
  SubnetState,
  VirtualMachineState,
  VirtualNetworkState,
} from './types';

/** A Map whose keys are ARM ids compared without regard to case. Iteration keeps insertion order. */
export class IdMap<T> {
  private readonly entries = new Map<string, T>();

  get(id: string | undefined): T | undefined {
    return id === undefined ? undefined : this.entries.get(key(id));
  }

  has(id: string): boolean {
    return this.entries.has(key(id));
  }

  set(id: string, value: T): void {
    this.entries.set(key(id), value);
  }

  delete(id: string): boolean {
    return this.entries.delete(key(id));
  }

  get size(): number {
    return this.entries.size;
  }

  values(): T[] {
    return [...this.entries.values()];
  }
}

// Ids are few (the resources of a simulation) and looked up on every request: remember each one's key.
const KEYS = new Map<string, string>();

export function key(id: string): string {
  let known = KEYS.get(id);
  if (known === undefined) {
    known = id.replace(/\/+$/, '').toLowerCase();
    KEYS.set(id, known);
  }
  return known;
}

export class Store {
  readonly resourceGroups = new IdMap<ResourceGroupState>();
  readonly virtualNetworks = new IdMap<VirtualNetworkState>();
  readonly subnets = new IdMap<SubnetState>();
  readonly networkSecurityGroups = new IdMap<NetworkSecurityGroupState>();
  readonly publicIps = new IdMap<PublicIpState>();
  readonly networkInterfaces = new IdMap<NetworkInterfaceState>();
  readonly disks = new IdMap<DiskState>();
  readonly snapshots = new IdMap<SnapshotState>();
  readonly virtualMachines = new IdMap<VirtualMachineState>();

  resourceGroup(subscriptionId: string, name: string): ResourceGroupState | undefined {
    return this.resourceGroups.get(resourceGroupId(subscriptionId, name));
  }

  hasSubscription(subscriptionId: string): boolean {
    const wanted = subscriptionId.toLowerCase();
    return this.resourceGroups.values().some((rg) => rg.subscriptionId.toLowerCase() === wanted);
  }
}

export function resourceGroupId(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${name}`;
}

/** Whether `id` is inside resource group `rg` of subscription `sub` (case-insensitive). */
export function inResourceGroup(
  resource: { subscriptionId: string; resourceGroup: string },
  subscriptionId: string,
  resourceGroup: string,
): boolean {
  return (
    resource.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
    resource.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()
  );
}
