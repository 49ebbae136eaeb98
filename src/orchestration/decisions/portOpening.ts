/**
 * When RDP had to move to another port (the holder of its port could not be stopped), the NSGs must admit the
 * new port exactly as they admitted the old one: same sources, at each level that filters. Pure.
 */
import type { NetworkFacts, NsgView, OpenPortRuleInput } from '../../domain/vmFacts';
import { portMatches } from './nsgAssessment';

export function ruleNameForPort(port: number): string {
  return `rdp-autorepair-${port}`;
}

function freePriorityNear(view: NsgView, wanted: number): number | null {
  const taken = new Set(view.rules.filter((r) => !r.isDefault && r.direction === 'Inbound').map((r) => r.priority));
  // Just above the rule we copy, so it wins over whatever that rule won over; user rules span 100-4096.
  for (let p = wanted - 1; p >= 100; p -= 1) if (!taken.has(p)) return p;
  for (let p = wanted + 1; p <= 4096; p += 1) if (!taken.has(p)) return p;
  return null;
}

export function planPortOpenings(
  nsgs: readonly NsgView[],
  oldPort: number,
  newPort: number,
  repairId: string,
): { openings: OpenPortRuleInput[]; problems: string[] } {
  const openings: OpenPortRuleInput[] = [];
  const problems: string[] = [];
  for (const view of nsgs) {
    const inbound = view.rules.filter((r) => r.direction === 'Inbound' && !r.isDefault).sort((a, b) => a.priority - b.priority);
    if (inbound.some((r) => r.access === 'Allow' && portMatches(r.destinationPorts, newPort) && portMatches(r.destinationPorts, oldPort)))
      continue;
    const admitting = inbound.find(
      (r) => r.access === 'Allow' && portMatches(r.destinationPorts, oldPort) && ['tcp', '*', 'all'].includes(r.protocol.toLowerCase()),
    );
    if (!admitting) continue; // this level never admitted RDP from outside; it should not start now
    const priority = freePriorityNear(view, admitting.priority);
    if (priority === null) {
      problems.push(`no free priority in ${view.nsgId} for a rule admitting port ${newPort}`);
      continue;
    }
    openings.push({
      repairId,
      nsgId: view.nsgId,
      ruleName: ruleNameForPort(newPort),
      priority,
      port: newPort,
      sourcePrefixes: [...admitting.sourcePrefixes],
    });
  }
  return { openings, problems };
}

/** The NSGs as they are after the rules for a moved RDP port were added: to predict whether the probe gets in. */
export function withOpenedPorts(network: Pick<NetworkFacts, 'nsgs'>, opened: readonly OpenPortRuleInput[]): Pick<NetworkFacts, 'nsgs'> {
  return {
    nsgs: network.nsgs.map((view) => ({
      ...view,
      rules: [
        ...view.rules,
        ...opened
          .filter((o) => o.nsgId === view.nsgId)
          .map((o) => ({
            name: o.ruleName,
            priority: o.priority,
            access: 'Allow' as const,
            direction: 'Inbound' as const,
            protocol: 'Tcp',
            sourcePrefixes: [...o.sourcePrefixes],
            destinationPorts: [String(o.port)],
            isDefault: false,
            usesApplicationSecurityGroups: false,
          })),
      ],
    })),
  };
}
