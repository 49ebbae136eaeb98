/**
 * What an approval event does at a gate (pure). Events are matched by name only, so one event name carries every
 * decision and this function sorts them: an approval of the gate waiting now (or of `all`) lets it pass; a
 * rejection ends the repair wherever it waits; an approval of a step not reached yet is kept for that step's gate,
 * so an approval sent early is not lost; an approval older than a gate of its step that already passed is a
 * duplicate of it and changes nothing (two clicks must not approve a second restart).
 */
import type { ApprovalEvent, ApprovalRecord, DisruptiveStep } from '../../domain/approval';

export type GateVerdict =
  | { kind: 'pass'; record: ApprovalRecord }
  | { kind: 'reject'; record: ApprovalRecord }
  | { kind: 'wait'; record: ApprovalRecord };

/** True when the repair already holds an approval of every later step (`all`). */
export function approvedAll(records: readonly ApprovalRecord[]): boolean {
  return records.some((r) => r.decision === 'approve' && r.step === 'all' && r.appliedAt !== null);
}

/** The index of an approval kept for this gate (sent before the repair reached it), or -1. */
export function keptApprovalFor(gate: DisruptiveStep, records: readonly ApprovalRecord[]): number {
  return records.findIndex(
    (r) => r.decision === 'approve' && r.step === gate && r.gate === null && r.appliedAt === null && r.effect === KEPT,
  );
}

const KEPT = 'kept for the gate of its step, which the repair had not reached';

function passedAfter(step: DisruptiveStep, at: string, records: readonly ApprovalRecord[]): boolean {
  return records.some((r) => r.decision === 'approve' && r.gate === step && r.appliedAt !== null && r.appliedAt >= at);
}

export function judgeApprovalEvent(
  event: ApprovalEvent,
  gate: DisruptiveStep,
  now: string,
  records: readonly ApprovalRecord[],
): GateVerdict {
  const base = { decision: event.decision, step: event.step, by: event.by, at: event.at };
  if (event.decision === 'reject') {
    return { kind: 'reject', record: { ...base, gate, appliedAt: now, effect: `rejected ${gate}: the repair ended before it` } };
  }
  if (event.step === 'all') {
    return { kind: 'pass', record: { ...base, gate, appliedAt: now, effect: `approved ${gate} and every later disruptive step` } };
  }
  if (passedAfter(event.step, event.at, records)) {
    return {
      kind: 'wait',
      record: { ...base, gate: null, appliedAt: null, effect: `nothing: a duplicate of an approval of ${event.step} already used` },
    };
  }
  if (event.step === gate) return { kind: 'pass', record: { ...base, gate, appliedAt: now, effect: `approved ${gate}` } };
  return { kind: 'wait', record: { ...base, gate: null, appliedAt: null, effect: KEPT } };
}

/**
 * An event the repair took while it waited at no gate (the parent drains its buffered events before it hands the
 * offline repair to its child, which only ever sees the events raised on it): a rejection ends the repair there;
 * an approval of `all` counts for every later gate; a named step's approval is kept for that step's gate, unless
 * it duplicates one already used.
 */
export function judgeEarlyApproval(
  event: ApprovalEvent,
  now: string,
  records: readonly ApprovalRecord[],
): { kind: 'reject' | 'record'; record: ApprovalRecord } {
  const base = { decision: event.decision, step: event.step, by: event.by, at: event.at };
  if (event.decision === 'reject') {
    return {
      kind: 'reject',
      record: { ...base, gate: null, appliedAt: now, effect: 'ended the repair before the offline repair started' },
    };
  }
  if (event.step === 'all') {
    return { kind: 'record', record: { ...base, gate: null, appliedAt: now, effect: 'approved every later disruptive step' } };
  }
  if (passedAfter(event.step, event.at, records)) {
    return {
      kind: 'record',
      record: { ...base, gate: null, appliedAt: null, effect: `nothing: a duplicate of an approval of ${event.step} already used` },
    };
  }
  return { kind: 'record', record: { ...base, gate: null, appliedAt: null, effect: KEPT } };
}
