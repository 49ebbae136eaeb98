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
  if (!view.outcome && (status.runtimeStatus === 'Failed' || status.runtimeStatus === 'Terminated')) {
    const detail = typeof status.output === 'string' ? status.output.split('\n')[0] : '';
    view.outcome = {
      kind: 'NotRepaired',
      reason:
        status.runtimeStatus === 'Terminated'
          ? `The repair was terminated${detail ? `: ${detail}` : ''}. Changes listed in "changes" were made before that.`
          : `The repair stopped on an unexpected error${detail ? `: ${detail}` : ''}. Changes listed in "changes" were made before that.`,
      advice: ['Check the VM, then start a new repair; the snapshot, if one was taken, is kept.'],
      path: null,
      caveats: [
        {
          check: 'verification',
          reason: `the repair ${status.runtimeStatus === 'Terminated' ? 'was terminated' : 'stopped'} before it could verify anything`,
        },
      ],
    };
  }
  return view;
}
