/**
 * Issue 9 class 1, the orchestration's side: after restricting a world-open rule, the exposure counts as fixed
 * only when the rules as they now are admit no more than narrow sources. The last column says what the first
 * assessment's one-address test (assessRdpExposure.openToWorld) would say about the same rules: where they
 * disagree, calling the exposure fixed from it would claim more than was checked (or flag a real fix as open).
 */
import type { NsgRuleView, NsgView } from '../../../src/domain/vmFacts';
import {
  exposureAfterRestrictionFinding,
  type ExposureAfterRestriction,
  reassessExposureAfterRestriction,
  withWrittenSources,
} from '../../../src/orchestration/decisions/exposureAfterRestriction';
import { assessRdpExposure } from '../../../src/orchestration/decisions/nsgAssessment';
import { defaults, rule } from '../../support/nsgRules';

function nsg(level: 'nic' | 'subnet', rules: NsgRuleView[]): NsgView {
  return {
    level,
    nsgId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/${level}-nsg`,
    attachedTo: 'x',
    rules: [...rules, ...defaults],
  };
}

const rdp = (sources: string[], extra: Partial<NsgRuleView> = {}) =>
  rule({ name: 'AllowRDP', priority: 300, sourcePrefixes: sources, ...extra });

// Every row has all five columns: jest would take a missing last one for a `done` callback.
type Row = [what: string, nsgs: NsgView[], expected: ExposureAfterRestriction['kind'], oneAddressSaysOpen: boolean, minPrefixV4: number];

const table: Row[] = [
  ['restricted to one /24', [nsg('nic', [rdp(['203.0.113.0/24'])])], 'restricted', false, 8],
  ["restricted to the /24 that holds the one-address test's address", [nsg('nic', [rdp(['198.51.100.0/24'])])], 'restricted', true, 8],
  ['restricted to a private /8 and a public /32', [nsg('nic', [rdp(['10.0.0.0/8', '203.0.113.7'])])], 'restricted', false, 8],
  ['two /1s: the whole IPv4 Internet in pieces', [nsg('nic', [rdp(['0.0.0.0/1', '128.0.0.0/1'])])], 'stillOpen', true, 8],
  [
    'two /1s with the minimum lowered to 1: the union still covers IPv4',
    [nsg('nic', [rdp(['0.0.0.0/1', '128.0.0.0/1'])])],
    'stillOpen',
    true,
    1,
  ],
  [
    'the halves split across two rules',
    [nsg('nic', [rdp(['0.0.0.0/1']), rule({ name: 'Other', priority: 310, sourcePrefixes: ['128.0.0.0/1'] })])],
    'stillOpen',
    true,
    1,
  ],
  ['a public /4, wider than MIN_SOURCE_PREFIX_V4', [nsg('nic', [rdp(['64.0.0.0/4'])])], 'stillOpen', false, 8],
  ['the write did not land: still *', [nsg('nic', [rdp(['*'])])], 'stillOpen', true, 8],
  [
    'another rule, earlier, admits Internet',
    [nsg('nic', [rule({ name: 'Legacy', priority: 200, sourcePrefixes: ['Internet'] }), rdp(['203.0.113.0/24'])])],
    'stillOpen',
    true,
    8,
  ],
  [
    'an earlier Deny for the world shadows an open rule',
    [nsg('nic', [rule({ name: 'DenyAll', priority: 100, access: 'Deny' }), rdp(['*'])])],
    'restricted',
    false,
    8,
  ],
  [
    'the subnet is still open but the NIC admits only a /24',
    [nsg('subnet', [rdp(['*'])]), nsg('nic', [rdp(['203.0.113.0/24'])])],
    'restricted',
    false,
    8,
  ],
  ['both levels still open', [nsg('subnet', [rdp(['*'])]), nsg('nic', [rdp(['0.0.0.0/0'])])], 'stillOpen', true, 8],
  ['a service tag this app cannot resolve', [nsg('nic', [rdp(['AzureCloud'])])], 'unverified', false, 8],
  ['no NSG at all', [], 'stillOpen', true, 8],
  ['the open rule is for another port', [nsg('nic', [rdp(['*'], { destinationPorts: ['22'] })])], 'restricted', false, 8],
];

describe('reassessExposureAfterRestriction', () => {
  it.each(table)('%s', (_what, nsgs, expected, oneAddressSaysOpen, minPrefixV4) => {
    const result = reassessExposureAfterRestriction({ nsgs }, 3389, { minPrefixV4, minPrefixV6: 32 });
    expect(result.kind).toBe(expected);
    if (result.kind !== 'restricted') expect(result.why.length).toBeGreaterThan(0);
    expect(assessRdpExposure({ nsgs }, 3389, []).openToWorld).toBe(oneAddressSaysOpen);
  });

  it('names the level and the rule that keeps it open', () => {
    expect(reassessExposureAfterRestriction({ nsgs: [nsg('nic', [rdp(['64.0.0.0/4'])])] }, 3389)).toEqual({
      kind: 'stillOpen',
      why: [
        "nic NSG nic-nsg: rule AllowRDP (priority 300): '64.0.0.0/4' is a /4, wider than MIN_SOURCE_PREFIX_V4=8 allows; " +
          'name your own addresses, not a slice of the Internet',
      ],
    });
  });

  it('uses the defaults for inputs of repairs started before the limits travelled in the settings', () => {
    expect(reassessExposureAfterRestriction({ nsgs: [nsg('nic', [rdp(['64.0.0.0/4'])])] }, 3389, undefined).kind).toBe('stillOpen');
  });
});

describe('wiring helpers', () => {
  const open = nsg('nic', [rdp(['*'])]);

  it('re-assesses the sources the write returned, not the ones the repair meant to write', () => {
    const written = (sources: string[]) => ({
      nsgId: open.nsgId.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'),
      name: 'allowrdp',
      priority: 300,
      sourceAddressPrefix: null,
      sourceAddressPrefixes: sources,
    });
    expect(reassessExposureAfterRestriction(withWrittenSources({ nsgs: [open] }, [written(['203.0.113.0/24'])]), 3389).kind).toBe(
      'restricted',
    );
    expect(reassessExposureAfterRestriction(withWrittenSources({ nsgs: [open] }, [written(['0.0.0.0/1', '128.0.0.0/1'])]), 3389).kind).toBe(
      'stillOpen',
    );
    expect(reassessExposureAfterRestriction(withWrittenSources({ nsgs: [open] }, []), 3389).kind).toBe('stillOpen');
  });

  it('turns a verdict into the finding that stops the repair from calling the exposure fixed', () => {
    expect(exposureAfterRestrictionFinding({ kind: 'restricted' }, 3389)).toBeNull();
    expect(exposureAfterRestrictionFinding({ kind: 'stillOpen', why: ['x'] }, 3389)).toMatchObject({
      code: 'RdpStillOpenAfterRestriction',
      severity: 'error',
    });
    expect(exposureAfterRestrictionFinding({ kind: 'unverified', why: ['y'] }, 3389)).toMatchObject({
      code: 'RdpRestrictionUnverified',
      severity: 'warning',
    });
  });
});
