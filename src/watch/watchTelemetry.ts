/**
 * What one watch round tells the operator's monitoring: an event with the round's counts, and the same counts as
 * metrics by verdict (so a chart of broken VMs over time needs no parsing), plus the round's duration. Pure.
 */
import type { TelemetryEvent, TelemetryMetric } from '../domain/telemetry';
import type { WatchRoundSummary } from './watchState';

const VERDICT_COUNTS = ['healthy', 'degraded', 'broken', 'unreachable', 'inconclusive', 'skipped', 'notReached'] as const;

export function watchRoundTelemetry(summary: WatchRoundSummary): { event: TelemetryEvent; metrics: TelemetryMetric[] } {
  const event: TelemetryEvent = {
    name: 'WatchRoundEnded',
    properties: {
      startedAt: summary.startedAt,
      durationMs: summary.durationMs,
      checked: summary.checked,
      ...Object.fromEntries(VERDICT_COUNTS.map((v) => [v, summary[v]])),
      events: summary.events,
      publishFailures: summary.publishFailures,
    },
  };
  const metrics: TelemetryMetric[] = [
    ...VERDICT_COUNTS.map((verdict) => ({ name: 'rdp_autorepair.watch_vms' as const, value: summary[verdict], dimensions: { verdict } })),
    { name: 'rdp_autorepair.watch_round_seconds', value: summary.durationMs / 1000, dimensions: {} },
  ];
  return { event, metrics };
}
