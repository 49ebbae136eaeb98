/**
 * What a repair tells the operator's monitoring, computed from the repair's status: pure, so the same facts the
 * status API shows are the ones in telemetry. Free texts (step details, the outcome's reason) pass through
 * redactSecrets and are bounded; nothing else in these events is free text.
 */
import { redactSecrets } from '../../domain/redaction';
import type { RepairStatus, TimelineEntry } from '../../domain/repairStatus';
import type { TelemetryEvent, TelemetryMetric } from '../../domain/telemetry';

/** Application Insights keeps at most 8192 characters per property; a detail this long is no longer read anyway. */
export const MAX_TEXT = 1000;

export function boundedText(text: string): string {
  const clean = redactSecrets(text);
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT - 3)}...` : clean;
}

function secondsBetween(from: string, to: string | null): number | null {
  if (!to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, ms) / 1000 : null;
}

export function repairStartedEvent(status: RepairStatus): TelemetryEvent {
  return {
    name: 'RepairStarted',
    properties: {
      repairId: status.repairId,
      vmResourceId: status.vmResourceId,
      mode: status.mode,
      source: status.source.kind,
      alertId: status.source.kind === 'alert' ? boundedText(status.source.alertId) : null,
      alertRule: status.source.kind === 'alert' ? boundedText(status.source.rule ?? '') : null,
      rdpPort: status.rdpPort,
      at: status.startedAt,
    },
  };
}

/** One finished (or skipped) timeline entry; `index` is its place in the timeline, which orders a repair's steps. */
export function stepEndedEvent(status: RepairStatus, entry: TimelineEntry, index: number): TelemetryEvent {
  return {
    name: 'RepairStepEnded',
    properties: {
      repairId: status.repairId,
      vmResourceId: status.vmResourceId,
      step: entry.step,
      index,
      result: entry.status,
      startedAt: entry.startedAt,
      endedAt: entry.endedAt,
      durationSeconds: secondsBetween(entry.startedAt, entry.endedAt),
      detail: boundedText(entry.detail),
    },
  };
}

/**
 * Writes to Azure resources the repair recorded: changes to Azure resources (NSG rules, disks, the VM's power),
 * the snapshot, each restart and each Run Command run. Guest changes are made through those runs, so they are not
 * counted again; the Run Command deletions of the final sweep are cleanup and not counted.
 */
export function armWritesOf(status: RepairStatus): number {
  const resourceChanges = status.changes.filter((c) => !c.resourceId.endsWith('/guest')).length;
  return resourceChanges + (status.artifacts.snapshotId ? 1 : 0) + status.restarts + status.guestRuns.length;
}

export interface RepairEnding {
  event: TelemetryEvent;
  metrics: TelemetryMetric[];
}

/** The outcome event and the per-repair metrics, from the final status (`endedAt`: the orchestration's clock). */
export function repairEnding(status: RepairStatus, endedAt: string): RepairEnding {
  const outcome = status.outcome?.kind ?? 'Unknown';
  const seconds = secondsBetween(status.startedAt, endedAt) ?? 0;
  const downtime = status.artifacts.downtime?.seconds ?? null;
  const armWrites = armWritesOf(status);
  const dims = { repairId: status.repairId, outcome, mode: status.mode, source: status.source.kind };
  const metrics: TelemetryMetric[] = [
    { name: 'rdp_autorepair.repairs', value: 1, dimensions: dims },
    { name: 'rdp_autorepair.time_to_repair_seconds', value: seconds, dimensions: dims },
    { name: 'rdp_autorepair.restarts', value: status.restarts, dimensions: dims },
    { name: 'rdp_autorepair.arm_writes', value: armWrites, dimensions: dims },
  ];
  // Only a repair that took the VM down (the offline path) has a downtime; zero for the others would be a claim.
  if (downtime !== null) metrics.push({ name: 'rdp_autorepair.downtime_seconds', value: downtime, dimensions: dims });
  return {
    event: {
      name: 'RepairEnded',
      properties: {
        repairId: status.repairId,
        vmResourceId: status.vmResourceId,
        outcome,
        path: status.outcome?.path ?? null,
        reason: boundedText(status.outcome?.reason ?? ''),
        startedAt: status.startedAt,
        endedAt,
        durationSeconds: seconds,
        restarts: status.restarts,
        downtimeSeconds: downtime,
        armWrites,
        changes: status.changes.length,
        undone: status.undone.length,
        kept: status.kept.length,
        findings: status.findings.map((f) => f.code).join(','),
        caveats: status.outcome?.caveats.map((c) => c.check).join(',') ?? '',
        snapshotId: status.artifacts.snapshotId,
        cancelled: status.cancelled !== null,
      },
    },
    metrics,
  };
}

/** A repair whose orchestration threw (a bug): what is known, so the failure is visible beside the others. */
export function repairCrashed(status: RepairStatus | null, repairId: string, endedAt: string, error: string): RepairEnding {
  const dims = { repairId, outcome: 'OrchestrationFailed', mode: status?.mode ?? null, source: status?.source.kind ?? null };
  return {
    event: {
      name: 'RepairEnded',
      properties: {
        repairId,
        vmResourceId: status?.vmResourceId ?? null,
        outcome: 'OrchestrationFailed',
        path: null,
        reason: boundedText(error),
        startedAt: status?.startedAt ?? null,
        endedAt,
        durationSeconds: status ? secondsBetween(status.startedAt, endedAt) : null,
      },
    },
    metrics: [{ name: 'rdp_autorepair.repairs', value: 1, dimensions: dims }],
  };
}
