import type { RescueVmOptions, SizeOffer } from '../../../src/domain/activityContracts';
import { DEFAULT_RESCUE_VM_SETTINGS } from '../../../src/domain/rescueVmSettings';
import type { VmFacts } from '../../../src/domain/vmFacts';
import {
  chooseRescueImage,
  chooseRescueSizes,
  ephemeralRescuePlan,
  rescueVmNames,
} from '../../../src/orchestration/decisions/ephemeralRescueVm';
import { healthyOsDisk } from '../../support/osDisk';

const offer = (name: string, overrides: Partial<SizeOffer> = {}): SizeOffer => ({
  name,
  listed: true,
  locationRestricted: false,
  unavailableZones: [],
  maxDataDisks: 4,
  ...overrides,
});

const ws = (sku: string, exactVersion: string | null = '20348.2100.241210') => ({
  publisher: 'MicrosoftWindowsServer',
  offer: 'WindowsServer',
  sku,
  exactVersion,
});

const vm: VmFacts = {
  id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/broken',
  name: 'broken',
  location: 'westeurope',
  zone: '1',
  vmSize: 'Standard_D2s_v5',
  osType: 'Windows',
  generation: 'V2',
  powerState: 'running',
  agentStatus: 'NotReady',
  agentMessage: null,
  osDisk: { name: 'os', managedDiskId: healthyOsDisk.id, sizeGb: 127 },
  nicIds: [],
  primaryNicId: null,
  tags: {},
};

describe('rescueVmNames', () => {
  it('is deterministic per repair, different between repairs, within Azure name limits', () => {
    const a = rescueVmNames('repair-a');
    expect(rescueVmNames('repair-a')).toEqual(a);
    expect(rescueVmNames('repair-b').vmName).not.toBe(a.vmName);
    expect(a.computerName.length).toBeLessThanOrEqual(15);
    expect(a.vmName).toMatch(/^[a-z0-9-]{1,64}$/);
  });
});

describe('chooseRescueImage (erratum: a rescue VM of the same image sees a disk-signature collision)', () => {
  it.each([
    ['VM on 2022 azure edition -> 2025 azure edition', ws('2022-datacenter-azure-edition'), null, '2025-datacenter-azure-edition'],
    ['VM on 2025 azure edition -> 2022 azure edition', ws('2025-datacenter-azure-edition'), null, '2022-datacenter-azure-edition'],
    ['VM on 2019 -> 2022 azure edition', ws('2019-datacenter'), null, '2022-datacenter-azure-edition'],
    ['VM not from an image -> 2022 azure edition', null, null, '2022-datacenter-azure-edition'],
    [
      'override of another SKU is used',
      ws('2022-datacenter-azure-edition'),
      { ...ws('2019-datacenter'), version: 'latest' },
      '2019-datacenter',
    ],
    [
      "override of the VM's SKU pinned to another version is used",
      ws('2019-datacenter', '17763.1'),
      { ...ws('2019-datacenter'), version: '17763.2' },
      '2019-datacenter',
    ],
  ] as const)('%s', (_, vmImage, override, sku) => {
    const choice = chooseRescueImage(vmImage, override ? { ...override } : null);
    expect(choice.ok && choice.image.sku).toBe(sku);
  });

  it.each([
    ["the VM's own SKU at latest", 'latest'],
    ["the VM's own SKU at the VM's exact version", '17763.1'],
  ])('refuses an override naming %s', (_, version) => {
    const choice = chooseRescueImage(ws('2019-datacenter', '17763.1'), { ...ws('2019-datacenter'), version });
    expect(choice.ok).toBe(false);
  });
});

describe('chooseRescueSizes', () => {
  const candidates = ['Standard_D2s_v5', 'Standard_D2as_v5', 'Standard_D2s_v3'];
  it.each([
    ['all offered: all, in order', [offer('Standard_D2s_v5'), offer('Standard_D2as_v5'), offer('Standard_D2s_v3')], '1', candidates, 0],
    [
      'first restricted in the zone: skipped, with why',
      [offer('Standard_D2s_v5', { unavailableZones: ['1'] }), offer('Standard_D2as_v5'), offer('Standard_D2s_v3')],
      '1',
      ['Standard_D2as_v5', 'Standard_D2s_v3'],
      1,
    ],
    [
      'zone restriction elsewhere does not matter',
      [offer('Standard_D2s_v5', { unavailableZones: ['2'] }), offer('Standard_D2as_v5'), offer('Standard_D2s_v3')],
      '1',
      candidates,
      0,
    ],
    [
      'not listed and location restricted: skipped',
      [offer('Standard_D2s_v5', { listed: false }), offer('Standard_D2as_v5', { locationRestricted: true }), offer('Standard_D2s_v3')],
      null,
      ['Standard_D2s_v3'],
      2,
    ],
  ] as const)('%s', (_, offers, zone, sizes, skipped) => {
    const choice = chooseRescueSizes(candidates, offers, 'westeurope', zone);
    expect(choice.sizes).toEqual(sizes);
    expect(choice.skipped).toHaveLength(skipped);
  });

  it('tries every candidate in order when the SKU list could not be read', () => {
    expect(chooseRescueSizes(candidates, null, 'westeurope', '1')).toEqual({ sizes: candidates, skipped: [] });
  });
});

describe('ephemeralRescuePlan', () => {
  const options: RescueVmOptions = {
    vmImage: ws('2022-datacenter-azure-edition'),
    subnetId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/default',
    offers: [offer('Standard_D2s_v5')],
    offersProblem: null,
  };

  it("plans a Trusted Launch rescue VM for a Trusted Launch disk, in the VM's subnet, tagged with the repair", () => {
    const decision = ephemeralRescuePlan('r1', vm, healthyOsDisk, options, DEFAULT_RESCUE_VM_SETTINGS);
    expect(decision.ok).toBe(true);
    if (!decision.ok) return;
    expect(decision.plan.securityType).toBe('TrustedLaunch');
    expect(decision.plan.subnetId).toBe(options.subnetId);
    expect(decision.plan.sizes).toEqual(['Standard_D2s_v5']);
    expect(decision.plan.tags).toEqual({ 'rdp-autorepair-repair-id': 'r1', 'rdp-autorepair-role': 'rescue-vm' });
  });

  it('a standard disk gets a standard rescue VM; RESCUE_VM_SUBNET_ID wins over the VM subnet', () => {
    const subnet = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/rescue';
    const decision = ephemeralRescuePlan('r1', vm, { ...healthyOsDisk, securityType: null }, options, {
      ...DEFAULT_RESCUE_VM_SETTINGS,
      subnetId: subnet,
    });
    expect(decision.ok && decision.plan.securityType).toBe(null);
    expect(decision.ok && decision.plan.subnetId).toBe(subnet);
  });

  it('refuses with every problem when no size is offered and no subnet is known', () => {
    const decision = ephemeralRescuePlan(
      'r1',
      vm,
      healthyOsDisk,
      { ...options, subnetId: null, offers: [offer('Standard_D2s_v5', { unavailableZones: ['1'] })] },
      { ...DEFAULT_RESCUE_VM_SETTINGS, sizes: ['Standard_D2s_v5'] },
    );
    expect(decision.ok).toBe(false);
    expect(!decision.ok && decision.problems).toHaveLength(2);
  });
});
