/**
 * Activity: read what decides inbound RDP for the VM's primary NIC: the NIC's and the subnet's NSGs, the
 * addresses to probe, and (VM running) the effective rules Azure actually applies. Read-only.
 */
import type { NetworkManagementClient } from '@azure/arm-network';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { ReadVmNetworkInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { NetworkFacts, NsgView } from '../domain/vmFacts';
import type { ActivityDeps } from './deps';
import { nsgViewFromResource, nsgViewsFromEffective } from './networkFactsFromArm';
import { ok, settleAzureError } from './settle';

async function readNsg(client: NetworkManagementClient, level: 'subnet' | 'nic', nsgId: string, attachedTo: string): Promise<NsgView> {
  const id = parseResourceId(nsgId, ResourceTypes.networkSecurityGroup);
  const nsg = await client.networkSecurityGroups.get(id.resourceGroup, id.name);
  return nsgViewFromResource(level, nsgId, attachedTo, nsg.securityRules ?? [], nsg.defaultSecurityRules ?? []);
}

export async function readVmNetwork(input: ReadVmNetworkInput, deps: ActivityDeps): Promise<ActivityResult<NetworkFacts>> {
  const nicId = input.vm.primaryNicId;
  if (!nicId) {
    return {
      ok: false,
      failure: { code: 'NoNetworkInterface', message: 'The VM has no network interface.', statusCode: null, operation: 'read network' },
    };
  }
  let operation = 'read network interface';
  let current = nicId;
  try {
    const nicRef = parseResourceId(nicId, ResourceTypes.networkInterface);
    const client = deps.arm.network(nicRef.subscriptionId);
    const nic = await client.networkInterfaces.get(nicRef.resourceGroup, nicRef.name);
    const configs = nic.ipConfigurations ?? [];
    const ipConfig = configs.find((c) => c.primary) ?? configs[0];
    const subnetId = ipConfig?.subnet?.id ?? null;
    const notes: string[] = [];

    let publicAddress: string | null = null;
    const publicIpId = ipConfig?.publicIPAddress?.id;
    if (publicIpId) {
      operation = 'read public IP address';
      current = publicIpId;
      const pipRef = parseResourceId(publicIpId, ResourceTypes.publicIPAddress);
      const pip = await deps.arm.network(pipRef.subscriptionId).publicIPAddresses.get(pipRef.resourceGroup, pipRef.name);
      publicAddress = pip.ipAddress ?? null;
      if (!publicAddress) notes.push('The public IP resource has no address assigned (dynamic IP of a stopped VM?).');
    }

    let subnetNsgId: string | null = null;
    if (subnetId) {
      operation = 'read subnet';
      current = subnetId;
      const subnetRef = parseResourceId(subnetId, ResourceTypes.subnet);
      const subnet = await deps.arm
        .network(subnetRef.subscriptionId)
        .subnets.get(subnetRef.resourceGroup, subnetRef.segments[0].name, subnetRef.name);
      subnetNsgId = subnet.networkSecurityGroup?.id ?? null;
    }
    const nicNsgId = nic.networkSecurityGroup?.id ?? null;

    let nsgs: NsgView[] | null = null;
    let fromEffectiveRules = false;
    if (input.vm.powerState === 'running' && input.effectiveRules !== false) {
      operation = 'list effective network security rules';
      current = nicId;
      try {
        const effective = await client.networkInterfaces.listEffectiveNetworkSecurityGroups(nicRef.resourceGroup, nicRef.name, {
          updateIntervalInMs: deps.arm.lroPollIntervalMs,
        });
        const attached = { nicId, nicNsgId, subnetId, subnetNsgId };
        nsgs = (effective.value ?? []).flatMap((group) => nsgViewsFromEffective(group, attached));
        fromEffectiveRules = true;
      } catch (err) {
        // Effective rules are a refinement: when Azure cannot compute them, the NSG resources still decide.
        const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
        notes.push(`Effective rules unavailable (${reason}); used the NSG resources instead.`);
      }
    }
    if (!nsgs) {
      nsgs = [];
      if (subnetNsgId && subnetId) {
        operation = 'read subnet network security group';
        current = subnetNsgId;
        nsgs.push(await readNsg(deps.arm.network(parseResourceId(subnetNsgId).subscriptionId), 'subnet', subnetNsgId, subnetId));
      }
      if (nicNsgId) {
        operation = 'read NIC network security group';
        current = nicNsgId;
        nsgs.push(await readNsg(deps.arm.network(parseResourceId(nicNsgId).subscriptionId), 'nic', nicNsgId, nicId));
      }
    }
    const levelsWithoutNsg: Array<'subnet' | 'nic'> = [];
    if (!subnetNsgId) levelsWithoutNsg.push('subnet');
    if (!nicNsgId) levelsWithoutNsg.push('nic');
    return ok({
      primaryNicId: nicId,
      subnetId,
      privateAddress: ipConfig?.privateIPAddress ?? null,
      publicAddress,
      levelsWithoutNsg,
      nsgs,
      fromEffectiveRules,
      notes,
    });
  } catch (err) {
    return settleAzureError(err, operation, current);
  }
}
