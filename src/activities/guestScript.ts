/**
 * Activities: run a guest script through Run Command (start, then read until it ends). The orchestrator waits
 * between reads with durable timers. A finished run's deletion is asked for as soon as its result is read; the
 * sweep at the end of every repair confirms that none of its runs is left (a delete ARM accepted can still
 * fail). Values reach the script only as Run Command parameters.
 */
import type { SweepGuestScriptsInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { GuestRunInput, GuestRunState } from '../domain/vmFacts';
import { deleteGuestScript, type LeftGuestScript, readGuestScript, startGuestScript, sweepGuestScripts } from '../guest/runCommandChannel';
import { GuestScriptVmNotRunningError } from '../guest/runCommandErrors';
import type { GuestScriptState } from '../guest/runCommandState';
import { loadGuestScript } from '../guest/scriptCatalog';
import { GuestScriptParameterError, toRunCommandParameters } from '../guest/scriptParameters';
import { parseGuestResult } from '../guest/scriptResults';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';

export async function startGuestScriptActivity(input: GuestRunInput, deps: ActivityDeps): Promise<ActivityResult<GuestRunState>> {
  let parameters: ReturnType<typeof toRunCommandParameters>;
  try {
    parameters = toRunCommandParameters(input.script, input.params as never);
  } catch (err) {
    if (err instanceof GuestScriptParameterError) {
      return {
        ok: false,
        failure: { code: 'InvalidScriptParameter', message: err.message, statusCode: null, operation: `start ${input.script}` },
      };
    }
    throw err;
  }
  try {
    await startGuestScript(deps.arm, input.vmId, {
      runName: input.runName,
      script: loadGuestScript(input.script),
      parameters,
      timeoutSeconds: input.timeoutSeconds,
      submittedAt: deps.now(),
    });
    return ok({ state: 'running' });
  } catch (err) {
    if (err instanceof GuestScriptVmNotRunningError) return ok({ state: 'failed', failure: 'vmNotRunning', detail: err.message });
    return settleAzureError(err, `start ${input.script}`, input.vmId);
  }
}

export function runStateFrom(script: GuestRunInput['script'], state: GuestScriptState): GuestRunState {
  switch (state.kind) {
    case 'pending':
    case 'running':
      return { state: 'running' };
    case 'succeeded': {
      const parsed = parseGuestResult(script, state.stdout);
      if (parsed.ok) return { state: 'succeeded', result: parsed.result };
      const failure = parsed.reason === 'truncated' ? 'truncated' : parsed.reason === 'missing-marker' ? 'missingResult' : 'invalidResult';
      return { state: 'failed', failure, detail: parsed.detail };
    }
    case 'failed': {
      // A script that failed still prints its result line (ok=false, message) when it can: prefer that.
      const parsed = parseGuestResult(script, state.stdout);
      if (parsed.ok) return { state: 'succeeded', result: parsed.result };
      return { state: 'failed', failure: 'scriptFailed', detail: `exit code ${state.exitCode ?? '?'}: ${state.stderrSummary}` };
    }
    case 'timedOut':
      return { state: 'failed', failure: 'timedOut', detail: state.message || 'the script ran past its timeout' };
    case 'agentUnavailable':
      return { state: 'failed', failure: 'agentUnavailable', detail: state.message };
    case 'notFound':
      return { state: 'failed', failure: 'notFound', detail: 'the Run Command run is gone (deleted by someone else?)' };
  }
}

export async function readGuestScriptActivity(input: GuestRunInput, deps: ActivityDeps): Promise<ActivityResult<GuestRunState>> {
  try {
    const state = await readGuestScript(deps.arm, input.vmId, input.runName);
    return ok(runStateFrom(input.script, state));
  } catch (err) {
    if (err instanceof GuestScriptVmNotRunningError) return ok({ state: 'failed', failure: 'vmNotRunning', detail: err.message });
    return settleAzureError(err, `read ${input.script}`, input.vmId);
  }
}

/** Asks for the finished run's removal. Idempotent: a run already gone, or already being deleted, is fine. */
export async function deleteGuestScriptActivity(
  input: GuestRunInput,
  deps: ActivityDeps,
): Promise<ActivityResult<{ deleted: 'requested' | 'alreadyGone' | 'refusedVmNotRunning' }>> {
  try {
    const result = await deleteGuestScript(deps.arm, input.vmId, input.runName);
    return ok({
      deleted: result.outcome === 'requested' ? 'requested' : result.outcome === 'notFound' ? 'alreadyGone' : 'refusedVmNotRunning',
    });
  } catch (err) {
    return settleAzureError(err, `delete ${input.script} run`, input.vmId);
  }
}

/** One cleanup pass over this repair's runs on the VM (see sweepGuestScripts); `left` empty: none is left. */
export async function sweepGuestScriptsActivity(
  input: SweepGuestScriptsInput,
  deps: ActivityDeps,
): Promise<ActivityResult<{ left: LeftGuestScript[] }>> {
  try {
    return ok({ left: await sweepGuestScripts(deps.arm, input.vmId, input.runNamePrefix) });
  } catch (err) {
    return settleAzureError(err, 'remove the Run Command runs left on the VM', input.vmId);
  }
}
