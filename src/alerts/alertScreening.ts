/**
 * The checks that need nothing but the alert and the settings: health events (from Event Grid or an action
 * group) first pass the operators' opt-in; then a resolved alert; then what the signal means (not a connection
 * failure at all; planned or user-initiated downtime; nothing to act on); then no VM; then too low a severity.
 * Pure.
 */
import type { AlertPolicy } from '../domain/alertPolicyConfig';
import { echoInput } from '../domain/echo';
import type { AlertSignal } from './alertSignal';
import type { IgnoreReason } from './alertDecision';

export type Screening = { kind: 'proceed' } | { kind: 'ignore'; reason: IgnoreReason; message: string };

const sev = (n: number) => `Sev${n}`;

export function screenSignal(signal: AlertSignal, policy: Pick<AlertPolicy, 'minSeverity' | 'repairOnHealthEvents'>): Screening {
  if (signal.kind === 'healthEvent' && !policy.repairOnHealthEvents) {
    return {
      kind: 'ignore',
      reason: 'healthEventsDisabled',
      message: 'Resource Health events start repairs only with REPAIR_ON_HEALTH_EVENTS=true.',
    };
  }
  if (signal.resolved) {
    return {
      kind: 'ignore',
      reason: 'resolved',
      message:
        signal.kind === 'healthEvent'
          ? 'The VM is Available again; nothing to repair.'
          : 'The alert is Resolved; only a Fired alert starts a repair.',
    };
  }
  if (signal.notConnectionSignal) return { kind: 'ignore', reason: 'notConnectionSignal', message: `${signal.notConnectionSignal}.` };
  if (signal.plannedOrUserInitiated)
    return { kind: 'ignore', reason: 'plannedOrUserInitiated', message: `${signal.plannedOrUserInitiated}.` };
  if (signal.notActionable) return { kind: 'ignore', reason: 'notActionable', message: `${signal.notActionable}.` };
  if (signal.targets.length === 0) {
    const shown = signal.otherResources.slice(0, 5).map((r) => echoInput(r, 200));
    const more = signal.otherResources.length > shown.length ? ` and ${signal.otherResources.length - shown.length} more` : '';
    const named = signal.otherResources.length > 0 ? `it names ${shown.join(', ')}${more}` : 'it names no resource';
    return { kind: 'ignore', reason: 'notVmTarget', message: `The alert is not about a virtual machine: ${named}.` };
  }
  if (signal.severity !== null && signal.severity > policy.minSeverity) {
    return {
      kind: 'ignore',
      reason: 'belowMinSeverity',
      message:
        `The alert is ${sev(signal.severity)}; ALERT_MIN_SEVERITY=${sev(policy.minSeverity)} lets only ` +
        `${sev(policy.minSeverity)} and more severe start repairs (set ALERT_MIN_SEVERITY=${sev(signal.severity)} to admit ` +
        `it).`,
    };
  }
  return { kind: 'proceed' };
}
