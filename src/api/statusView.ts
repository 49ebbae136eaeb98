/**
 * What GET /api/repairs/{id} returns: the durable runtime status joined with the repair's own status (the
 * orchestration's custom status while it runs, its output once done). A crashed or terminated orchestration
 * still gets an outcome an operator can read.
 */
import type { RepairStatus } from '../domain/repairStatus';

export interface DurableStatusLike {
  instanceId: string;
  runtimeStatus: string;
  createdTime: Date | string;
  lastUpdatedTime: Date | string;
  customStatus?: unknown;
  output?: unknown;
  input?: unknown;
}

export interface RepairStatusView extends Partial<RepairStatus> {
  id: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  statusUrl: string;
}

function isRepairStatus(value: unknown): value is RepairStatus {
  return typeof value === 'object' && value !== null && 'repairId' in value && 'timeline' in value;
}

function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

export function toStatusView(status: DurableStatusLike, statusUrl: string): RepairStatusView {
  const body: RepairStatus | null = isRepairStatus(status.output)
    ? status.output
    : isRepairStatus(status.customStatus)
      ? status.customStatus
      : null;
  const view: RepairStatusView = {
    id: status.instanceId,
    runtimeStatus: status.runtimeStatus,
    createdTime: iso(status.createdTime),
    lastUpdatedTime: iso(status.lastUpdatedTime),
    statusUrl,
    ...(body ?? {}),
  };
  if (!view.vmResourceId) {
    const input = status.input as { request?: { vm?: { id?: string } } } | undefined;
    if (input?.request?.vm?.id) view.vmResourceId = input.request.vm.id;
  }
  if (!view.outcome && status.runtimeStatus === 'Terminated') {
    Object.assign(view, terminatedView(view, typeof status.output === 'string' ? status.output.split('\n')[0] : ''));
  } else if (!view.outcome && status.runtimeStatus === 'Failed') {
    const detail = typeof status.output === 'string' ? status.output.split('\n')[0] : '';
    view.outcome = {
      kind: 'NotRepaired',
      reason: `The repair stopped on an unexpected error${detail ? `: ${detail}` : ''}. Changes listed in "changes" were made before that.`,
      advice: ['Check the VM, then start a new repair; the snapshot, if one was taken, is kept.'],
      path: null,
      caveats: [{ check: 'verification', reason: 'the repair stopped before it could verify anything' }],
    };
  }
  return view;
}

/**
 * Terminating an orchestration skips its own ending: the undo log is never settled, no Run Command run is swept, a
 * step that was running may be half-done. The status says which changes may be left, from the last custom status.
 */
function terminatedView(view: RepairStatusView, detail: string): Pick<RepairStatusView, 'outcome' | 'kept' | 'waitingFor'> {
  const changes = view.changes ?? [];
  const undoLog = view.undoLog ?? [];
  const running = view.currentStep ?? view.timeline?.find((t) => t.status === 'running')?.step ?? null;
  const listed = changes.map((c) => `${c.resourceId} ${c.property} (${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)})`);
  const parts = [
    `The repair was terminated${detail ? `: ${detail}` : ''}, so its own ending did not run: nothing was undone and nothing cleaned up.`,
    changes.length === 0 ? 'No change had been recorded before that.' : `${changes.length} change(s) may be left: ${listed.join('; ')}.`,
  ];
  if (running) parts.push(`${running} was running when it was terminated and may be left half-done.`);
  const advice = [
    'Check each change in "changes" and "kept" (each says how to undo it by hand).',
    'Run Command resources this repair created (see guestRuns) may be left on the VM: delete them (az vm run-command delete).',
    'Next time use POST /api/repairs/{id}/cancel: it stops at a safe point and settles the changes.',
  ];
  if (view.artifacts?.snapshotId) advice.push(`The OS disk snapshot ${view.artifacts.snapshotId} is kept.`);
  return {
    waitingFor: null,
    kept: undoLog.map((record) => ({ ...record, why: `left by the termination; to undo: ${record.undo}` })),
    outcome: {
      kind: 'NotRepaired',
      reason: parts.join(' '),
      advice,
      path: null,
      caveats: [{ check: 'verification', reason: 'the repair was terminated before it could verify anything' }],
    },
  };
}
