/**
 * What became of one alert (per VM it names): started, ignored for a policy reason, or invalid. Every path has
 * a fixed reason code so it can be logged, counted and answered the same way by both entry points.
 */

/** Why an alert started nothing, in the order the policy checks (docs/alerts.md "The policy"). */
export const IGNORE_REASONS = [
  'unsupportedEventType',
  'healthEventsDisabled',
  'resolved',
  'notConnectionSignal',
  'plannedOrUserInitiated',
  'notActionable',
  'notVmTarget',
  'belowMinSeverity',
  'scopesNotConfigured',
  'outOfScope',
  'alreadyRunning',
  'coolingDown',
  'misconfigured',
] as const;

export type IgnoreReason = (typeof IGNORE_REASONS)[number];

export const DECISION_REASONS = ['started', ...IGNORE_REASONS, 'invalid'] as const;

export type DecisionReason = (typeof DECISION_REASONS)[number];

interface DecisionCommon {
  message: string;
  alertId?: string;
  rule?: string;
  vmResourceId?: string;
  /** The repair started, or the one that made this alert redundant (running, or ended within the cooldown). */
  repairId?: string;
}

export type AlertDecision =
  | (DecisionCommon & { decision: 'started'; reason: 'started'; repairId: string; vmResourceId: string })
  | (DecisionCommon & { decision: 'ignored'; reason: IgnoreReason })
  | (DecisionCommon & { decision: 'invalid'; reason: 'invalid'; details: string[] });
