import type { NsgRuleView, NsgView } from '../../../src/domain/vmFacts';
import {
  assessRdpExposure,
  decideForAddress,
  portMatches,
  withRestrictedSources,
} from '../../../src/orchestration/decisions/nsgAssessment';
import { defaults, rule } from '../../support/nsgRules';

function nsg(level: 'nic' | 'subnet', rules: NsgRuleView[], name = `${level}-nsg`): NsgView {
  return {
    level,
    nsgId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/${name}`,
    attachedTo: 'x',
    rules: [...rules, ...defaults],
  };
}

describe('portMatches', () => {
  it.each([
    [['3389'], 3389, true],
    [['3389-3389'], 3389, true],
    [['3000-4000'], 3389, true],
    [['*'], 50000, true],
    [['22', '443'], 3389, false],
    [['3390-3400'], 3389, false],
    [['garbage'], 3389, false],
  ])('%j contains %d: %s', (ranges, port, expected) => {
    expect(portMatches(ranges, port)).toBe(expected);
  });
});

describe('assessRdpExposure', () => {
  it('finds an Allow * rule on the NIC NSG as open to the world', () => {
    const e = assessRdpExposure({ nsgs: [nsg('nic', [rule({ name: 'RDP', priority: 300 })])] }, 3389, []);
    expect(e.openToWorld).toBe(true);
    expect(e.worldOpenings.map((o) => o.rule.name)).toEqual(['RDP']);
    expect(e.blockedFromInternet).toBe(false);
    expect(e.probeAdmitted).toBe('unknown');
  });

  it('treats Internet and 0.0.0.0/0 sources as the world too', () => {
    for (const source of ['Internet', '0.0.0.0/0', 'Any']) {
      const e = assessRdpExposure({ nsgs: [nsg('nic', [rule({ name: 'RDP', priority: 300, sourcePrefixes: [source] })])] }, 3389, []);
      expect(e.openToWorld).toBe(true);
    }
  });

  it('is not open when the subnet NSG only admits a known range, even if the NIC NSG allows *', () => {
    const e = assessRdpExposure(
      {
        nsgs: [
          nsg('subnet', [rule({ name: 'Office', priority: 100, sourcePrefixes: ['203.0.113.0/24'] })]),
          nsg('nic', [rule({ name: 'RDP', priority: 300 })]),
        ],
      },
      3389,
      ['203.0.113.10'],
    );
    expect(e.openToWorld).toBe(false);
    expect(e.worldOpenings).toEqual([]);
    expect(e.probeAdmitted).toBe('allow');
  });

  it('lets a higher-priority Deny * shadow a world Allow', () => {
    const e = assessRdpExposure(
      { nsgs: [nsg('nic', [rule({ name: 'DenyRdp', priority: 100, access: 'Deny' }), rule({ name: 'RDP', priority: 300 })])] },
      3389,
      [],
    );
    expect(e.openToWorld).toBe(false);
    expect(e.blockedFromInternet).toBe(true);
  });

  it('reports RDP blocked when only the default rules exist', () => {
    const e = assessRdpExposure({ nsgs: [nsg('nic', [])] }, 3389, ['198.51.100.4']);
    expect(e.blockedFromInternet).toBe(true);
    expect(e.probeAdmitted).toBe('deny');
  });

  it('uses the configured port, not 3389', () => {
    const e = assessRdpExposure({ nsgs: [nsg('nic', [rule({ name: 'RDP', priority: 300 })])] }, 3390, []);
    expect(e.openToWorld).toBe(false);
  });

  it('treats no NSG at all as open with nothing to edit', () => {
    const e = assessRdpExposure({ nsgs: [] }, 3389, []);
    expect(e.openToWorld).toBe(true);
    expect(e.noNsgAtAll).toBe(true);
    expect(e.worldOpenings).toEqual([]);
  });

  it('ignores UDP-only and outbound rules', () => {
    const e = assessRdpExposure(
      {
        nsgs: [
          nsg('nic', [rule({ name: 'Udp', priority: 100, protocol: 'Udp' }), rule({ name: 'Out', priority: 110, direction: 'Outbound' })]),
        ],
      },
      3389,
      [],
    );
    expect(e.openToWorld).toBe(false);
  });

  it('predicts the probe is shut out after restricting to CIDRs that exclude the app', () => {
    const network = { nsgs: [nsg('nic', [rule({ name: 'RDP', priority: 300 })])] };
    const e = assessRdpExposure(network, 3389, ['192.0.2.50/32']);
    expect(e.probeAdmitted).toBe('allow');
    const after = withRestrictedSources(network, e.worldOpenings, ['203.0.113.0/24']);
    expect(assessRdpExposure(after, 3389, ['192.0.2.50/32']).probeAdmitted).toBe('deny');
    expect(assessRdpExposure(after, 3389, ['203.0.113.9']).probeAdmitted).toBe('allow');
  });

  it('cannot tell for application security groups', () => {
    const view = nsg('nic', [rule({ name: 'Asg', priority: 100, usesApplicationSecurityGroups: true })]);
    expect(decideForAddress(view, 3389, '198.51.100.1').verdict).toBe('unknown');
  });
});
