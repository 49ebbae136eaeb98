/**
 * The approval gate any phase calls before a disruptive step (request approval `beforeDisruptive`). The repair
 * waits for the `approval` external event raced against a durable timer (APPROVAL_TIMEOUT_MINUTES); the timer is
 * cancelled when an event wins. A rejection or the timer ends the repair NotRepaired before the step, with nothing
 * further changed. Events raised before the repair reaches a gate are buffered by Durable Functions and sorted by
 * decisions/approvalGate.ts, so an early approval is not lost and a duplicate is harmless.
 */
import type * as df from 'durable-functions';
import { APPROVAL_EVENT, type DisruptiveStep, isApprovalEvent } from '../../domain/approval';
import { DEFAULT_APPROVAL_TIMEOUT_MINUTES } from '../../domain/config';
import type { PlannedChange } from '../../domain/repairStatus';
import { approvedAll, judgeApprovalEvent, keptApprovalFor } from '../decisions/approvalGate';
import { withChangesNote } from '../decisions/outcome';
import { end, type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { cancelCheckpoint, cancelledAt, cancelRaised, openCancelWait } from './cancelStep';

/** Also the cancel checkpoint before every disruptive step: a cancel raised so far ends the repair here. */
export function* approvalStep(flow: Flow, step: DisruptiveStep, plannedChanges: PlannedChange[]): Gen<PhaseResult<null>> {
  const checked = yield* cancelCheckpoint(flow, step);
  if (checked.kind === 'end') return checked;
  if ((flow.request.approval ?? 'none') !== 'beforeDisruptive') return proceed(null);
  const records = flow.status.approvals;
  if (approvedAll(records)) return proceed(null);
  const gateName = `approval:${step}`;
  const kept = keptApprovalFor(step, records);
  if (kept >= 0) {
    records[kept] = { ...records[kept], gate: step, appliedAt: flow.now(), effect: `approved ${step} (sent before the repair reached it)` };
    flow.skip(gateName, `approved by ${records[kept].by} at ${records[kept].at}, before the repair reached this step`);
    return proceed(null);
  }
  const minutes = flow.settings.approvalTimeoutMinutes ?? DEFAULT_APPROVAL_TIMEOUT_MINUTES;
  const since = flow.now();
  const expiresMs = flow.nowMs() + minutes * 60_000;
  const expiresAt = new Date(expiresMs).toISOString();
  flow.status.waitingFor = { step, plannedChanges, since, expiresAt };
  flow.begin(gateName, `waiting for POST /api/repairs/${flow.repairId}/approve naming ${step} (or all), until ${expiresAt}`);
  for (;;) {
    const timer: df.TimerTask = flow.context.df.createTimer(new Date(expiresMs));
    const event = flow.context.df.waitForExternalEvent(APPROVAL_EVENT);
    const cancel = openCancelWait(flow);
    const winner = yield flow.context.df.Task.any([event, cancel, timer]);
    if (winner === timer) {
      flow.status.waitingFor = null;
      records.push({
        decision: 'expired',
        step,
        by: 'timer',
        at: flow.now(),
        gate: step,
        appliedAt: flow.now(),
        effect: 'ended the repair',
      });
      flow.end(gateName, `no approval within ${minutes} minutes`, 'failed');
      return end(
        withChangesNote(
          {
            kind: 'NotRepaired',
            reason:
              `No approval for ${step} arrived within ${minutes} minutes (APPROVAL_TIMEOUT_MINUTES); ` +
              `${step} did not run and nothing further was changed.`,
            advice: [
              'Start the repair again and approve each step while it waits (POST /api/repairs/{id}/approve), ' +
                'or start it with approval none.',
            ],
          },
          flow.status,
        ),
      );
    }
    timer.cancel();
    if (winner === cancel) {
      flow.end(gateName, 'cancelled while waiting for approval', 'failed');
      return end(cancelledAt(flow, cancelRaised(flow) ?? { by: 'unknown caller', at: flow.now() }, step));
    }
    const data: unknown = event.result;
    if (!isApprovalEvent(data)) continue;
    const verdict = judgeApprovalEvent(data, step, flow.now(), records);
    records.push(verdict.record);
    if (verdict.kind === 'wait') {
      flow.publish();
      continue;
    }
    flow.status.waitingFor = null;
    if (verdict.kind === 'pass') {
      flow.end(gateName, `approved by ${data.by} at ${data.at}${data.step === 'all' ? ' (all steps)' : ''}`);
      return proceed(null);
    }
    flow.end(gateName, `rejected by ${data.by} at ${data.at}`, 'failed');
    return end(
      withChangesNote(
        {
          kind: 'NotRepaired',
          reason: `${data.by} rejected ${step} at ${data.at}; ${step} did not run and nothing further was changed.`,
          advice: ['Read plannedChanges and findings; repair by hand, or start a new repair when the change is acceptable.'],
        },
        flow.status,
      ),
    );
  }
}
