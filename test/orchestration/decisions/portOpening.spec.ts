import type { NsgRuleView, NsgView } from '../../../src/domain/vmFacts';
import { planPortOpenings } from '../../../src/orchestration/decisions/portOpening';

function rule(name: string, priority: number, ports: string[], sources: string[], access: 'Allow' | 'Deny' = 'Allow'): NsgRuleView {
  return {
    name,
    priority,
    access,
    direction: 'Inbound',
    protocol: 'Tcp',
    sourcePrefixes: sources,
    destinationPorts: ports,
    isDefault: false,
    usesApplicationSecurityGroups: false,
  };
}
const view = (rules: NsgRuleView[], level: 'nic' | 'subnet' = 'nic'): NsgView => ({
  level,
  nsgId: `/nsg/${level}`,
  attachedTo: 'x',
  rules,
});

describe('planPortOpenings', () => {
  it('copies the sources of the rule that admitted the old port, just above it', () => {
    const { openings } = planPortOpenings([view([rule('Office', 300, ['3389'], ['203.0.113.0/24'])])], 3389, 3390, 'r1');
    expect(openings).toEqual([
      { repairId: 'r1', nsgId: '/nsg/nic', ruleName: 'rdp-autorepair-3390', priority: 299, port: 3390, sourcePrefixes: ['203.0.113.0/24'] },
    ]);
  });

  it('skips a free priority that is taken and levels that already admit both ports', () => {
    const { openings } = planPortOpenings(
      [
        view([rule('Office', 300, ['3389'], ['203.0.113.0/24']), rule('Other', 299, ['22'], ['*'])]),
        view([rule('Range', 100, ['3000-4000'], ['10.0.0.0/8'])], 'subnet'),
      ],
      3389,
      3390,
      'r1',
    );
    expect(openings).toHaveLength(1);
    expect(openings[0].priority).toBe(298);
  });

  it('does not open a level that never admitted RDP', () => {
    expect(planPortOpenings([view([rule('Ssh', 100, ['22'], ['*'])])], 3389, 3390, 'r1').openings).toEqual([]);
  });
});
