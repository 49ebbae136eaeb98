/**
 * SIMULATED: asynchronous operations behind ARM's `Azure-AsyncOperation` / `Location` polling.
 *
 * Completion rule (the virtual clock never moves by itself, and the SDK polls in real time):
 *  - SHORT operations, whose latency-model duration is under SHORT_OPERATION_THRESHOLD_MS (NSG rule writes,
 *    effective NSG queries, OS disk swap, deletes), complete when first polled, or when the clock passes their
 *    finish time, whichever comes first. An activity awaiting one with the SDK therefore finishes without anyone
 *    advancing the clock, as if its few seconds were part of the activity's own duration.
 *  - LONG operations (snapshot copy, VM start/restart/deallocate/power off/create, disk copy) complete only when
 *    the virtual clock reaches their finish time. Polling them earlier reports `InProgress`, however often:
 *    the orchestrator has to wait on durable timers, exactly as it must in Azure.
 *
 * Effects of a completed operation (power state, provisioning state, snapshot completion) are applied at the
 * operation's finish instant, in finish order, the next time the simulator syncs with the clock.
 *
 * Every 201/202 and every in-progress poll carries `Retry-After` (per resource provider, RETRY_AFTER in the latency
 * model), as ARM sends it; the SDK's poller waits that long between polls, whatever `updateIntervalInMs` says. With
 * `wallClock` set (a budget test under fake timers), a short operation completes only once that clock shows its
 * duration has passed since it started, so the caller really waits out the Retry-After values, poll by poll, as it
 * would in Azure.
 *
 * Some operations have no finish time when they start (a run command waits for the guest agent): they are
 * started with an infinite duration and given one later with `finishAt` / `failAt`. Internal timers
 * (`schedule`) run simulator callbacks at a virtual instant in the same time order as operation completions,
 * so "the restart finished, then the agent came back, then the script started" happens in that order however
 * far the clock jumped.
 */
import type { VirtualClock } from '../../virtualClock';
import {
  isShortOperation,
  SHORT_OPERATION_THRESHOLD_MS,
  type LatencyModel,
  type LatencyOperation,
  type RetryAfterModel,
} from '../../latencyModel';
import type { GuidSource } from '../world/guids';

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed';
/** Which resource provider's URL conventions the polling URLs follow. */
export type OperationProvider = 'compute' | 'disks' | 'network';

export interface OperationSpec {
  /** Request operation name, e.g. `virtualMachines.restart`. */
  operation: string;
  resourceId: string;
  subscriptionId: string;
  location: string;
  provider: OperationProvider;
  latency: LatencyOperation;
  /** Overrides the latency model's duration (e.g. 0 for a no-op such as starting a running VM). */
  durationMs?: number;
  /** Applies the operation's effect, at its finish instant. */
  onSucceeded?: (atMs: number) => void;
  /** Undoes whatever was done at the start, at its finish instant. */
  onFailed?: (atMs: number, error: { code: string; message: string }) => void;
  /** Body served by the `Location` URL once succeeded (effective NSGs); none for void actions. */
  result?: () => unknown;
  /** Planned failure (from `faults.failNextLro`). */
  failWith?: { code: string; message: string };
}

export interface SimOperation extends OperationSpec {
  id: string;
  seq: number;
  startedAtMs: number;
  finishAtMs: number;
  short: boolean;
  /** `wallClock` reading at the start, when one is given. */
  startedAtWallMs?: number;
  durationMs: number;
  status: OperationStatus;
  endedAtMs?: number;
  error?: { code: string; message: string };
  resultBody?: unknown;
}

interface SimTimer {
  seq: number;
  atMs: number;
  run: (atMs: number) => void;
}

export class OperationTracker {
  private readonly operations = new Map<string, SimOperation>();
  /** The operations still InProgress: every request settles, and the ended ones (kept for polling) pile up. */
  private readonly inProgress = new Set<SimOperation>();
  private timers: SimTimer[] = [];
  private seq = 0;
  /** Virtual time short operations still owed when a poll completed them early (see takeEarlyCompletionDebtMs). */
  private earlyCompletionDebtMs = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly latency: LatencyModel,
    private readonly guids: GuidSource,
    private readonly retryAfter: RetryAfterModel,
    /** The caller's own clock (Date.now under fake timers); short operations then complete by it instead of at the first poll. */
    private readonly wallClock?: () => number,
  ) {}

  start(spec: OperationSpec): SimOperation {
    const startedAtMs = this.clock.nowMs();
    const durationMs = spec.durationMs ?? this.latency[spec.latency].ms;
    const operation: SimOperation = {
      ...spec,
      id: this.guids.guid(),
      seq: ++this.seq,
      startedAtMs,
      finishAtMs: startedAtMs + durationMs,
      durationMs,
      ...(this.wallClock ? { startedAtWallMs: this.wallClock() } : {}),
      short: spec.durationMs !== undefined ? durationMs < SHORT_OPERATION_THRESHOLD_MS : isShortOperation(spec.latency, this.latency),
      status: 'InProgress',
    };
    this.operations.set(operation.id.toLowerCase(), operation);
    this.inProgress.add(operation);
    return operation;
  }

  get(id: string): SimOperation | undefined {
    return this.operations.get(id.toLowerCase());
  }

  /**
   * Completes every in-progress operation and runs every timer whose instant has passed, oldest first (ties in
   * creation order). Completions may schedule further work that is itself already due; the loop picks it up.
   */
  settle(): void {
    const now = this.clock.nowMs();
    for (;;) {
      const op = this.nextDueOperation(now);
      const timer = this.nextDueTimer(now);
      if (!op && !timer) return;
      if (op && (!timer || op.finishAtMs < timer.atMs || (op.finishAtMs === timer.atMs && op.seq < timer.seq))) {
        this.complete(op, op.finishAtMs);
      } else if (timer) {
        this.timers = this.timers.filter((t) => t !== timer);
        timer.run(timer.atMs);
      }
    }
  }

  /** Runs `run` at the virtual instant `atMs` (or at the next sync if that instant has already passed). */
  schedule(atMs: number, run: (atMs: number) => void): void {
    this.timers.push({ seq: ++this.seq, atMs, run });
  }

  /** Gives an in-progress operation its finish instant (e.g. the moment a run command's script started). */
  finishAt(op: SimOperation, atMs: number): void {
    if (op.status === 'InProgress') op.finishAtMs = atMs;
  }

  /** Makes an in-progress operation end Failed with this error at `atMs`. */
  failAt(op: SimOperation, atMs: number, error: { code: string; message: string }): void {
    if (op.status !== 'InProgress') return;
    op.failWith = { ...error };
    op.finishAtMs = atMs;
  }

  /** A client polled this operation: short ones complete now (see the rule above). */
  observe(id: string): SimOperation | undefined {
    this.settle();
    const op = this.get(id);
    if (op && op.status === 'InProgress' && op.short && this.shortOperationDue(op)) {
      const now = this.clock.nowMs();
      this.earlyCompletionDebtMs += Math.max(0, op.finishAtMs - now);
      this.complete(op, now);
    }
    return op;
  }

  /**
   * The virtual time the short operations completed early at a poll still needed, summed since the last call
   * (sequential awaits add up; the app's activities await them one after the other), and reset. The bench charges
   * it: to an activity's duration (its result arrives that much later) and to a baseline's wait, so neither gets
   * an 8 s NSG write for free. Tests leave it uncollected and keep the completion rule above.
   */
  takeEarlyCompletionDebtMs(): number {
    const debt = this.earlyCompletionDebtMs;
    this.earlyCompletionDebtMs = 0;
    return debt;
  }

  /** `Retry-After` for this operation's provider, in whole seconds as ARM sends it. */
  retryAfterHeader(op: Pick<SimOperation, 'provider'>): Record<string, string> {
    return { 'retry-after': String(Math.ceil(this.retryAfter[op.provider].ms / 1000)) };
  }

  private shortOperationDue(op: SimOperation): boolean {
    if (!this.wallClock || op.startedAtWallMs === undefined) return true;
    return this.wallClock() - op.startedAtWallMs >= op.durationMs;
  }

  /** In-progress operations on a resource (ARM refuses most actions on a VM while one runs). */
  activeOn(resourceId: string): SimOperation[] {
    const wanted = resourceId.toLowerCase();
    return [...this.inProgress].filter((op) => op.status === 'InProgress' && op.resourceId.toLowerCase() === wanted);
  }

  /** The polling headers the resource provider returns with its 201/202. */
  pollingHeaders(op: SimOperation, origin: string, apiVersion: string, withLocation: boolean): Record<string, string> {
    const base = `${origin}/subscriptions/${op.subscriptionId}/providers`;
    const version = `api-version=${encodeURIComponent(apiVersion)}`;
    switch (op.provider) {
      case 'compute':
      case 'disks': {
        const collection = op.provider === 'disks' ? 'DiskOperations' : 'operations';
        const url = `${base}/Microsoft.Compute/locations/${op.location}/${collection}/${op.id}?p=${op.id}&${version}`;
        return { 'azure-asyncoperation': url, ...(withLocation ? { location: `${url}&monitor=true` } : {}), ...this.retryAfterHeader(op) };
      }
      case 'network': {
        const root = `${base}/Microsoft.Network/locations/${op.location}`;
        return {
          'azure-asyncoperation': `${root}/operations/${op.id}?${version}`,
          ...(withLocation ? { location: `${root}/operationResults/${op.id}?${version}` } : {}),
          ...this.retryAfterHeader(op),
        };
      }
    }
  }

  private nextDueOperation(now: number): SimOperation | undefined {
    let best: SimOperation | undefined;
    for (const op of this.inProgress) {
      if (op.status !== 'InProgress' || op.finishAtMs > now) continue;
      if (!best || op.finishAtMs < best.finishAtMs || (op.finishAtMs === best.finishAtMs && op.seq < best.seq)) best = op;
    }
    return best;
  }

  private nextDueTimer(now: number): SimTimer | undefined {
    let best: SimTimer | undefined;
    for (const timer of this.timers) {
      if (timer.atMs > now) continue;
      if (!best || timer.atMs < best.atMs || (timer.atMs === best.atMs && timer.seq < best.seq)) best = timer;
    }
    return best;
  }

  private complete(op: SimOperation, atMs: number): void {
    this.inProgress.delete(op);
    op.endedAtMs = atMs;
    if (op.failWith) {
      op.status = 'Failed';
      op.error = { ...op.failWith };
      op.onFailed?.(atMs, op.error);
      return;
    }
    op.status = 'Succeeded';
    op.onSucceeded?.(atMs);
    if (op.result) op.resultBody = op.result();
  }
}
