/**
 * Cancel at a safe point: the phases call `cancelCheckpoint` before the snapshot and (through approvalStep) before
 * every disruptive step, never inside one, so a cancel never leaves a write half-done. A cancel is the `cancel`
 * external event; the first checkpoint opens a durable wait for it, and every later checkpoint only looks whether
 * one of the waits opened so far has completed (Durable Functions completes an open wait as soon as the event is
 * in the history, and buffers an event raised before any wait is open).
 */
import type { Task } from 'durable-functions';
import { CANCEL_EVENT, type CancelEvent } from '../../domain/approval';
import type { Outcome } from '../../domain/repairStatus';
import { end, type Flow, type Gen, type PhaseResult, proceed } from '../flow';

/** A fresh wait for the cancel event, kept on the flow so later checkpoints see it complete. */
export function openCancelWait(flow: Flow): Task {
  const wait = flow.context.df.waitForExternalEvent(CANCEL_EVENT);
  flow.cancelWaits.push(wait);
  return wait;
}

/** The cancel raised so far, if any. */
export function cancelRaised(flow: Flow): CancelEvent | null {
  const done = flow.cancelWaits.find((w) => w.isCompleted);
  if (!done) return null;
  const data = done.result as Partial<CancelEvent> | undefined;
  return { by: typeof data?.by === 'string' ? data.by : 'unknown caller', at: typeof data?.at === 'string' ? data.at : flow.now() };
}

/** `before`: the step the repair would run next, named in the outcome as the one that did not run. */
export function* cancelCheckpoint(flow: Flow, before: string): Gen<PhaseResult<null>> {
  if (flow.cancelWaits.length === 0) {
    const wait = openCancelWait(flow);
    // A wait is open only once it is yielded; racing it with a timer due now lets the repair go on at once.
    const timer = flow.context.df.createTimer(new Date(flow.nowMs()));
    const winner: unknown = yield flow.context.df.Task.any([wait, timer]);
    if (winner !== timer) timer.cancel();
  }
  const cancel = cancelRaised(flow);
  return cancel ? end(cancelledAt(flow, cancel, before)) : proceed(null);
}

/** Records the cancel and says what stopped where; finish() then settles the undo log (undone / kept). */
export function cancelledAt(flow: Flow, cancel: CancelEvent, before: string): Outcome {
  flow.status.cancelled = { ...cancel, stoppedAt: flow.now(), before };
  flow.status.waitingFor = null;
  const changes = flow.status.changes.length;
  const left =
    changes === 0
      ? 'Nothing had been changed.'
      : `${changes} change(s) had been made before it; "kept" lists each with why it stays and how to undo it by hand, ` +
        '"undone" what the repair put back.';
  return {
    kind: 'Cancelled',
    reason: `Cancelled by ${cancel.by} at ${cancel.at}; the repair stopped at a safe point, before ${before}. ${left}`,
    advice:
      changes === 0
        ? ['Start a new repair when you are ready.']
        : [
            'Changes that need a restart to take effect (certificate, TLS) take effect at the next restart of the VM.',
            'The OS disk snapshot, if listed in artifacts, is kept: restore from it if you want the VM exactly as it was.',
          ],
  };
}
