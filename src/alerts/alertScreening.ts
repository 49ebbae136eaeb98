/**
 * The checks that need nothing but the alert and the settings, in the order the issue gives them: a resolved
 * alert, then no VM, then too low a severity. Health events first pass the operators' opt-in. Pure.
 */
import { AlertPolicy } from '../domain/alertPolicyConfig';
import { AlertSignal } from './alertSignal';
import { IgnoreReason } from './alertDecision';

export type Screening = { kind: 'proceed' } | { kind: 'ignore'; reason: IgnoreReason; message: string };

const sev = (n: number) => `Sev${n}`;

export function screenSignal(signal: AlertSignal, policy: Pick<AlertPolicy, 'minSeverity' | 'repairOnHealthEvents'>): Screening {
  if (signal.kind === 'healthEvent' && !policy.repairOnHealthEvents) {
    return { kind: 'ignore', reason: 'healthEventsDisabled', message: 'Resource Health events start repairs only with REPAIR_ON_HEALTH_EVENTS=true.' };
  }
  if (signal.resolved) {
    return {
      kind: 'ignore',
      reason: 'resolved',
      message: signal.kind === 'healthEvent' ? 'The VM is Available again; nothing to repair.' : 'The alert is Resolved; only a Fired alert starts a repair.',
    };
  }
  if (signal.notActionable) return { kind: 'ignore', reason: 'notActionable', message: `${signal.notActionable}.` };
  if (signal.targets.length === 0) {
    const named = signal.otherResources.length > 0 ? `it names ${signal.otherResources.join(', ')}` : 'it names no resource';
    return { kind: 'ignore', reason: 'notVmTarget', message: `The alert is not about a virtual machine: ${named}.` };
  }
  if (signal.severity !== null && signal.severity > policy.minSeverity) {
    return {
      kind: 'ignore',
      reason: 'belowMinSeverity',
      message: `The alert is ${sev(signal.severity)}; ALERT_MIN_SEVERITY lets ${sev(policy.minSeverity)} and more severe start repairs.`,
    };
  }
  return { kind: 'proceed' };
}
