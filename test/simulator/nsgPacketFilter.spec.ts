/**
 * The simulated network's own NSG evaluation (the witness the product's NSG reasoning is tested against):
 * subnet NSG then NIC NSG, first matching rule by priority, destination matched as the private address.
 */
import { SimulatedArm, type SecurityRuleInput } from '../../src/simulator/arm';
import { admitsInbound, openToWorld, WORLD_SOURCES } from '../../src/simulator/nsgPacketFilter';

const OFFICE = '203.0.113.0/24';

function vm(rules: { nic?: SecurityRuleInput[]; subnet?: SecurityRuleInput[] }, privateIpAddress?: string) {
  const arm = new SimulatedArm();
  const rg = arm.world.addResourceGroup({ subscriptionId: '00000000-0000-0000-0000-0000000000aa', name: 'rg', location: 'westeurope' });
  const made = arm.world.addVmWithNetwork({
    resourceGroup: rg,
    name: 'vm1',
    osType: 'Windows',
    publicIp: true,
    ...(rules.nic ? { nicNsgRules: rules.nic } : {}),
    ...(rules.subnet ? { subnetNsgRules: rules.subnet } : {}),
    ...(privateIpAddress ? { privateIpAddress } : {}),
  });
  return { world: arm.world, nicId: made.nic.id };
}

const allowFrom = (source: string | string[], priority = 300, port = '3389'): SecurityRuleInput => ({
  name: `allow-${priority}`,
  priority,
  sourceAddressPrefix: source,
  destinationPortRange: port,
});
const denyFrom = (source: string | string[], priority: number): SecurityRuleInput => ({
  name: `deny-${priority}`,
  priority,
  access: 'Deny',
  sourceAddressPrefix: source,
  destinationPortRange: '3389',
});

describe('simulated NSG packet filter', () => {
  it('admits everything when neither level has an NSG', () => {
    const { world, nicId } = vm({});
    expect(admitsInbound(world, nicId, { sourceAddress: '8.8.8.8', port: 3389 })).toEqual({
      admitted: true,
      levels: [
        { level: 'subnet', nsgId: null, rule: null, admitted: true },
        { level: 'nic', nsgId: null, rule: null, admitted: true },
      ],
    });
    expect(openToWorld(world, nicId, 3389)).toBe(true);
  });

  it('denies by DenyAllInBound what no rule allows, and admits the allowed source on the allowed port only', () => {
    const { world, nicId } = vm({ nic: [allowFrom(OFFICE)] });
    expect(admitsInbound(world, nicId, { sourceAddress: '203.0.113.250', port: 3389 }).admitted).toBe(true);
    expect(admitsInbound(world, nicId, { sourceAddress: '203.0.113.250', port: 3390 }).levels[1]).toMatchObject({
      rule: 'DenyAllInBound',
      admitted: false,
    });
    expect(admitsInbound(world, nicId, { sourceAddress: '198.51.100.1', port: 3389 }).admitted).toBe(false);
    expect(openToWorld(world, nicId, 3389)).toBe(false);
  });

  it('takes the lower priority number first, whatever order the rules were written in', () => {
    const { world, nicId } = vm({ nic: [allowFrom('*', 400), denyFrom('203.0.113.0/25', 200)] });
    expect(admitsInbound(world, nicId, { sourceAddress: '203.0.113.5', port: 3389 }).levels[1]).toMatchObject({
      rule: 'deny-200',
      admitted: false,
    });
    expect(admitsInbound(world, nicId, { sourceAddress: '203.0.113.200', port: 3389 }).levels[1]).toMatchObject({
      rule: 'allow-400',
      admitted: true,
    });
  });

  it('needs both levels to allow, and the subnet NSG decides first', () => {
    const { world, nicId } = vm({ subnet: [allowFrom(OFFICE)], nic: [allowFrom('*')] });
    const outsider = admitsInbound(world, nicId, { sourceAddress: '198.51.100.1', port: 3389 });
    expect(outsider.admitted).toBe(false);
    // Dropped at the subnet, so the NIC NSG never sees it.
    expect(outsider.levels.map((l) => l.level)).toEqual(['subnet']);
    expect(admitsInbound(world, nicId, { sourceAddress: '203.0.113.9', port: 3389 }).admitted).toBe(true);
  });

  it('matches destination prefixes against the private address (after the public IP is translated)', () => {
    const rule: SecurityRuleInput = {
      name: 'to-private',
      priority: 300,
      sourceAddressPrefix: '*',
      destinationAddressPrefix: '10.0.0.4/32',
      destinationPortRange: '3389',
    };
    const matching = vm({ nic: [rule] }, '10.0.0.4');
    expect(admitsInbound(matching.world, matching.nicId, { sourceAddress: '198.51.100.1', port: 3389 }).admitted).toBe(true);
    const other = vm({ nic: [rule] }, '10.0.0.5');
    expect(admitsInbound(other.world, other.nicId, { sourceAddress: '198.51.100.1', port: 3389 }).admitted).toBe(false);
  });

  it('expands the Internet and VirtualNetwork tags', () => {
    const { world, nicId } = vm({ nic: [allowFrom('Internet')] });
    expect(admitsInbound(world, nicId, { sourceAddress: '198.51.100.1', port: 3389 }).admitted).toBe(true);
    // A VNet address is not "Internet", but the default AllowVnetInBound lets it in.
    expect(admitsInbound(world, nicId, { sourceAddress: '10.0.0.9', port: 3389 }).levels[1]).toMatchObject({
      rule: 'AllowVnetInBound',
      admitted: true,
    });
    expect(openToWorld(world, nicId, 3389)).toBe(true);
  });

  it('counts a port as open to the world from any part of the Internet (pessimistic), not from one range', () => {
    expect(WORLD_SOURCES.length).toBeGreaterThan(150);
    const half = vm({ nic: [allowFrom('128.0.0.0/1')] });
    expect(openToWorld(half.world, half.nicId, 3389)).toBe(true);
    const office = vm({ nic: [allowFrom([OFFICE, '198.51.100.0/24'])] });
    expect(openToWorld(office.world, office.nicId, 3389)).toBe(false);
  });

  it('refuses to guess about a service tag it does not know', () => {
    const { world, nicId } = vm({ nic: [allowFrom('Storage.WestEurope')] });
    expect(() => admitsInbound(world, nicId, { sourceAddress: '198.51.100.1', port: 3389 })).toThrow(
      "does not know the service tag 'Storage.WestEurope'",
    );
  });
});
