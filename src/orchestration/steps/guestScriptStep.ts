/**
 * Run one guest script through Run Command: start it, poll with durable timers, read its result. Every change
 * the script reports (path, name, before, after) goes into the status, so an operator can undo it by hand.
 */
import type { GuestScriptName, GuestScripts, RecordedChange } from '../../domain/guestScriptContracts';
import type { GuestRunInput, GuestRunState } from '../../domain/vmFacts';
import { DISRUPTIVE_STEPS, type DisruptiveStep } from '../../domain/approval';
import { type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { approvalStep } from './approvalStep';
import { guestRunName, guestRunPrefix } from '../guestRunNames';

/**
 * Microsoft docs ("Run scripts in your Windows VM by using action Run Command", Restrictions): "The minimum time
 * to run a script is about 20 seconds". Reading the run before that only costs a read; after it, every
 * RUN_COMMAND_POLL_SECONDS, so a result is seen within a few seconds of the script's end.
 */
export const RUN_COMMAND_MINIMUM_SECONDS = 20;

export type GuestRunOutcome<N extends GuestScriptName> =
  | { ok: true; result: GuestScripts[N]['result'] }
  | { ok: false; failure: Extract<GuestRunState, { state: 'failed' }>['failure']; detail: string };

/** A guest script Run Command accepted, not yet read to its end. */
export interface PendingGuestRun<N extends GuestScriptName> {
  script: N;
  vmId: string;
  why: string;
  step: string;
  input: GuestRunInput;
  state: GuestRunState;
  startedAtMs: number;
}

export function* guestScriptStep<N extends GuestScriptName>(
  flow: Flow,
  vmId: string,
  script: N,
  params: GuestScripts[N]['params'],
  why: string,
): Gen<PhaseResult<GuestRunOutcome<N>>> {
  const begun = yield* beginGuestScript(flow, vmId, script, params, why);
  if (begun.kind === 'end') return begun;
  return yield* awaitGuestScript(flow, begun.facts);
}

/** Asks for approval where the script is disruptive, then starts it; `awaitGuestScript` reads it to its end. */
export function* beginGuestScript<N extends GuestScriptName>(
  flow: Flow,
  vmId: string,
  script: N,
  params: GuestScripts[N]['params'],
  why: string,
): Gen<PhaseResult<PendingGuestRun<N>>> {
  const step = `guest:${script}`;
  if (isDisruptive(step)) {
    const planned = flow.status.plannedChanges.filter((c) => c.resourceId === `${vmId}/guest` && c.property === script);
    const approved = yield* approvalStep(
      flow,
      step,
      planned.length > 0 ? planned : [{ resourceId: `${vmId}/guest`, property: script, before: null, after: params, reason: why }],
    );
    if (approved.kind === 'end') return approved;
  }
  const runName = guestRunName(guestRunPrefix(flow.status.startedAt), flow.nextSequence(), script);
  flow.begin(step, why);
  const input: GuestRunInput = {
    repairId: flow.repairId,
    vmId,
    script,
    params: params as unknown as Record<string, string | number | boolean>,
    runName,
    timeoutSeconds: flow.settings.runCommandTimeoutSeconds,
  };
  const started = yield* flow.call('startGuestScript', input, step);
  if (started.kind === 'end') return started;
  return proceed({ script, vmId, why, step, input, state: started.facts, startedAtMs: flow.nowMs() });
}

/** Polls a started script until it ends (or times out), records every change it reports, and asks for its removal. */
export function* awaitGuestScript<N extends GuestScriptName>(flow: Flow, run: PendingGuestRun<N>): Gen<PhaseResult<GuestRunOutcome<N>>> {
  const { script, vmId, why, step, input } = run;
  const runName = input.runName;
  let state: GuestRunState = run.state;
  // Run Command's own timeout ends the script; the extra minute covers queueing on the agent.
  const deadline = run.startedAtMs + (flow.settings.runCommandTimeoutSeconds + 60) * 1000;
  let polls = 0;
  while (state.state === 'running') {
    if (flow.nowMs() >= deadline) {
      state = { state: 'failed', failure: 'timedOut', detail: `no result within ${flow.settings.runCommandTimeoutSeconds + 60} s` };
      break;
    }
    // The first read after the documented minimum counted from the start: other work may have run meanwhile.
    const interval = flow.settings.runCommandPollSeconds;
    const first = Math.max(0, run.startedAtMs + Math.max(interval, RUN_COMMAND_MINIMUM_SECONDS) * 1000 - flow.nowMs()) / 1000;
    const wait = polls++ === 0 ? first : interval;
    if (wait > 0) yield flow.wait(wait);
    const read = yield* flow.call('readGuestScript', input, step);
    if (read.kind === 'end') return read;
    state = read.facts;
  }
  flow.status.guestRuns.push({ script, runName, ended: state.state === 'succeeded' ? 'succeeded' : state.failure, at: flow.now() });
  // Removal is asked for once the result is read. A delete that fails, now or after ARM accepted it, does not
  // end the repair: the sweep at its end removes what is left and says so when it cannot.
  yield* flow.call('deleteGuestScript', input, step);
  if (state.state === 'failed') {
    flow.end(step, `${state.failure}: ${state.detail}`, 'failed');
    return proceed({ ok: false, failure: state.failure, detail: state.detail });
  }
  const result = state.result as GuestScripts[N]['result'];
  const changes = 'changes' in result ? (result.changes as RecordedChange[]) : [];
  for (const change of changes) {
    flow.status.changes.push({
      resourceId: `${vmId}/guest`,
      property: `${change.path}\\${change.name}`,
      before: change.before,
      after: change.after,
      at: flow.now(),
      reason: why,
    });
    flow.wrote({
      kind: 'guestValue',
      resourceId: `${vmId}/guest`,
      what: `${change.path}\\${change.name} = ${JSON.stringify(change.after)} (${script})`,
      undo:
        change.before === null
          ? `delete the value ${change.name} under ${change.path}`
          : `set ${change.path}\\${change.name} back to ${JSON.stringify(change.before)}`,
    });
  }
  // What the script did beyond registry values (service stops and starts, ACL backups), in its own words.
  const actions = 'actions' in result ? (result.actions as string[]) : [];
  for (const action of actions) {
    flow.status.changes.push({ resourceId: `${vmId}/guest`, property: 'action', before: null, after: action, at: flow.now(), reason: why });
    flow.wrote({
      kind: 'guestAction',
      resourceId: `${vmId}/guest`,
      what: `${action} (${script})`,
      undo: 'reverse the action by hand, or restore the OS disk from the snapshot',
    });
  }
  const summary = 'message' in result ? String(result.message) : 'read the guest state';
  flow.end(
    step,
    `${summary}${changes.length ? ` (${changes.length} value(s) changed)` : ''}`,
    'ok' in result && result.ok === false ? 'failed' : 'succeeded',
  );
  return proceed({ ok: true, result });
}

function isDisruptive(step: string): step is DisruptiveStep {
  return (DISRUPTIVE_STEPS as readonly string[]).includes(step);
}
