import type { VmFacts } from '../../../src/domain/vmFacts';
import { freeLun, rescueVmFit } from '../../../src/orchestration/decisions/rescueVm';

function vm(name: string, overrides: Partial<VmFacts> = {}): VmFacts {
  return {
    id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`,
    name,
    location: 'westeurope',
    zone: '1',
    vmSize: 'Standard_D2s_v5',
    osType: 'Windows',
    generation: 'V2',
    powerState: 'running',
    agentStatus: 'Ready',
    agentMessage: null,
    osDisk: {
      name: `${name}-os`,
      managedDiskId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/${name}-os`,
      sizeGb: 127,
    },
    nicIds: [],
    primaryNicId: null,
    tags: {},
    ...overrides,
  };
}

const broken = vm('broken', { agentStatus: 'NotReady' });

describe('freeLun', () => {
  it.each([
    [[], null, 0],
    [[0, 1, 3], null, 2],
    [[0, 1], 2, null],
    [Array.from({ length: 64 }, (_, i) => i), null, null],
    [[5], 4, 0],
  ] as const)('used %j, max %s -> %s', (used, max, expected) => {
    expect(freeLun(used, max)).toBe(expected);
  });
});

describe('rescueVmFit', () => {
  it('fits a running Windows VM with its agent Ready in the same region and zone, at the first free LUN', () => {
    expect(rescueVmFit({ vm: vm('rescue'), usedLuns: [0], maxDataDisks: 4 }, broken)).toEqual({ fits: true, lun: 1 });
  });

  it.each([
    ['Linux', { osType: 'Linux' }, /not Windows/],
    ['stopped', { powerState: 'deallocated' }, /deallocated, not running/],
    ['agent not ready', { agentStatus: 'NotReady' }, /agent is NotReady/],
    ['another region', { location: 'northeurope' }, /northeurope/],
    ['another zone', { zone: '2' }, /zone 2/],
    ['no zone while the VM has one', { zone: null }, /zone \(none\)/],
  ] as const)('refuses a rescue VM that is %s', (_name, overrides, message) => {
    const fit = rescueVmFit({ vm: vm('rescue', overrides as Partial<VmFacts>), usedLuns: [], maxDataDisks: null }, broken);
    expect(fit.fits).toBe(false);
    if (!fit.fits) expect(fit.problems.join('; ')).toMatch(message);
  });

  it('refuses the broken VM itself and a rescue VM without a free LUN', () => {
    const self = rescueVmFit({ vm: { ...broken, agentStatus: 'Ready' }, usedLuns: [], maxDataDisks: null }, broken);
    expect(self).toMatchObject({ fits: false, problems: expect.arrayContaining(['the rescue VM is the VM being repaired']) });
    const full = rescueVmFit({ vm: vm('rescue'), usedLuns: [0, 1], maxDataDisks: 2 }, broken);
    expect(full).toEqual({ fits: false, problems: ['the rescue VM has no free LUN (2 data disks attached)'] });
  });
});
