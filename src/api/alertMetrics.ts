/**
 * Per-process counts of alert decisions by reason. The decision log line (alertDecisionLog.ts) is what
 * Application Insights counts across instances; these counters are what a test, the demo or a benchmark in the
 * same process reads without parsing logs.
 */
import { DECISION_REASONS, type DecisionReason } from '../alerts/alertDecision';

const counts = new Map<DecisionReason, number>();

export function countAlertDecision(reason: DecisionReason): void {
  counts.set(reason, (counts.get(reason) ?? 0) + 1);
}

export function alertDecisionCounts(): Record<DecisionReason, number> {
  return Object.fromEntries(DECISION_REASONS.map((r) => [r, counts.get(r) ?? 0])) as Record<DecisionReason, number>;
}

export function resetAlertDecisionCounts(): void {
  counts.clear();
}
