/**
 * A repair that hands a phase to a sub-orchestration (the offline repair) is still one repair to the operator:
 * GET /api/repairs/{id} shows the running child's progress inside the parent's status. The parent names the
 * child it waits on in its own custom status (`runningChild`); this module reads that reference, looks the child
 * up through the durable client and folds what the child reports into the parent's view. The merge is pure; the
 * lookup is the only I/O and never fails the GET: a child that cannot be read is shown as such.
 */
import type { DurableStatusLike, RepairStatusView } from './statusView';

/** What the parent publishes in its custom status while it waits on a child (the lead's RepairStatus field). */
export interface RunningChildReference {
  instanceId: string;
  /** The parent's phase the child runs, e.g. "offline". */
  phase: string;
}

export interface ChildProgressView {
  instanceId: string;
  phase: string;
  /** The child's durable runtime status, or "Unknown" when it could not be read. */
  runtimeStatus: string;
  lastUpdatedTime: string | null;
  /** The child's own custom status (its progress), null when it has published none or could not be read. */
  progress: unknown;
  /** Why the child could not be read, when it could not. */
  unavailable: string | null;
}

export type RepairStatusViewWithChild = RepairStatusView & { runningChild?: ChildProgressView };

/** The part of the durable client the lookup needs. */
export interface ChildStatusReader {
  getStatus(instanceId: string, options?: { showInput?: boolean }): Promise<DurableStatusLike>;
}

const ACTIVE = new Set(['Pending', 'Running', 'ContinuedAsNew', 'Suspended']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The child a still-running parent waits on, read defensively from its custom status (null when none). */
export function runningChildOf(parent: DurableStatusLike): RunningChildReference | null {
  if (!ACTIVE.has(parent.runtimeStatus) || !isObject(parent.customStatus)) return null;
  const ref = parent.customStatus.runningChild;
  if (!isObject(ref) || typeof ref.instanceId !== 'string' || ref.instanceId === '' || typeof ref.phase !== 'string') return null;
  return { instanceId: ref.instanceId, phase: ref.phase };
}

function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

/** Pure: the child's status (or why it could not be read) as the parent's view shows it. */
export function childProgressView(ref: RunningChildReference, child: DurableStatusLike | { unavailable: string }): ChildProgressView {
  if ('unavailable' in child) {
    return {
      instanceId: ref.instanceId,
      phase: ref.phase,
      runtimeStatus: 'Unknown',
      lastUpdatedTime: null,
      progress: null,
      unavailable: child.unavailable,
    };
  }
  return {
    instanceId: ref.instanceId,
    phase: ref.phase,
    runtimeStatus: child.runtimeStatus,
    lastUpdatedTime: iso(child.lastUpdatedTime),
    progress: child.customStatus ?? null,
    unavailable: null,
  };
}

/**
 * Pure: the parent's view with the running child folded in (the view itself is not modified). A gate the child
 * waits at is the repair's: it is shown as the repair's waitingFor, where an operator (and the approve route) looks.
 */
export function withChildProgress(view: RepairStatusView, child: ChildProgressView | null): RepairStatusViewWithChild {
  if (!child) return { ...view };
  const childWaiting = isObject(child.progress) && isObject(child.progress.waitingFor) ? child.progress.waitingFor : null;
  const waitingFor = view.waitingFor ?? (childWaiting as RepairStatusView['waitingFor'] | null) ?? view.waitingFor;
  return waitingFor === view.waitingFor ? { ...view, runningChild: child } : { ...view, waitingFor, runningChild: child };
}

/**
 * Looks up the child the parent names. A child not yet created answers 404 (its start is committed with the
 * parent's status but the instance row may not be written yet): shown as Pending with no progress.
 */
export async function lookUpRunningChild(client: ChildStatusReader, parent: DurableStatusLike): Promise<ChildProgressView | null> {
  const ref = runningChildOf(parent);
  if (!ref) return null;
  try {
    const child = await client.getStatus(ref.instanceId, { showInput: false });
    return childProgressView(ref, child);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/HTTP 404|could not find any data/i.test(message)) {
      return { ...childProgressView(ref, { unavailable: 'not started yet' }), runtimeStatus: 'Pending' };
    }
    return childProgressView(ref, { unavailable: `the child's status could not be read: ${message.split('\n')[0]}` });
  }
}
