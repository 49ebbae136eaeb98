import type { OsDiskProperties, OsDiskTraits } from '../../../src/domain/offlineRepair';
import { healthyOsDisk } from '../../support/osDisk';
import { offlineEligibility } from '../../../src/orchestration/decisions/offlineEligibility';

const disk: OsDiskProperties = healthyOsDisk;
const fine: OsDiskTraits = {
  managed: true,
  ephemeral: false,
  adeEncrypted: false,
  vmSecurityType: 'TrustedLaunch',
  scaleSetId: null,
  disk,
};

function codes(traits: OsDiskTraits): string[] {
  const e = offlineEligibility(traits);
  return e.eligible ? [] : e.refusals.map((r) => r.code);
}

describe('offlineEligibility', () => {
  it('admits a managed, unencrypted Trusted Launch OS disk', () => {
    expect(offlineEligibility(fine)).toEqual({ eligible: true });
    expect(offlineEligibility({ ...fine, vmSecurityType: null, disk: { ...disk, securityType: null, maxShares: 1 } })).toEqual({
      eligible: true,
    });
  });

  it.each([
    ['unmanaged', { ...fine, managed: false, disk: null }, ['unmanagedDisk']],
    ['ephemeral', { ...fine, ephemeral: true, disk: null }, ['ephemeralOsDisk']],
    ['ADE', { ...fine, adeEncrypted: true }, ['adeEncrypted']],
    ['confidential VM', { ...fine, vmSecurityType: 'ConfidentialVM' }, ['confidentialVm']],
    [
      'confidential disk on a VM that does not say',
      { ...fine, vmSecurityType: null, disk: { ...disk, securityType: 'ConfidentialVM_DiskEncryptedWithPlatformKey' } },
      ['confidentialVm'],
    ],
    [
      'scale set instance',
      { ...fine, scaleSetId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/ss' },
      ['scaleSetInstance'],
    ],
    ['shared disk', { ...fine, disk: { ...disk, maxShares: 2 } }, ['sharedOsDisk']],
    ['unreadable disk', { ...fine, disk: null }, ['diskUnreadable']],
    ['several at once', { ...fine, adeEncrypted: true, disk: { ...disk, maxShares: 3 } }, ['adeEncrypted', 'sharedOsDisk']],
  ] as const)('refuses %s', (_name, traits, expected) => {
    expect(codes(traits as OsDiskTraits)).toEqual(expected);
  });

  it('gives the key vault as the way forward for ADE, with no pointer outside the project docs', () => {
    const e = offlineEligibility({ ...fine, adeEncrypted: true });
    if (e.eligible) throw new Error('expected a refusal');
    expect(e.refusals[0]?.reason).toMatch(/key vault/);
    expect(e.refusals[0]?.advice).toMatch(/docs\/procedure\.md/);
    expect(JSON.stringify(e)).not.toMatch(/shared\//);
  });
});
