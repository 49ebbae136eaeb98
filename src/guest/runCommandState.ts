/**
 * What a managed run command's GET (`$expand=instanceView`) says about a guest script, as one typed state.
 * Pure: the channel reads, this decides.
 *
 *   provisioningState Failed + VMAgentStatusCommunicationError   -> agentUnavailable (the agent never took it)
 *   executionState Pending (or none yet while provisioning)      -> pending
 *   Running                                                      -> running
 *   Succeeded with exit code 0                                   -> succeeded
 *   Succeeded with a non-zero exit code, Failed, Canceled        -> failed
 *   TimedOut                                                     -> timedOut
 *   provisioningState Deleting: the execution's own state while it has one (a finished run being cleaned up
 *   still reads as finished, so reading again after a delete gives the same answer), else notFound
 */
import type { VirtualMachineRunCommand } from '@azure/arm-compute';

export type GuestScriptState =
  | { kind: 'pending'; submittedAt: string | null }
  | { kind: 'running'; startedAt: string | null }
  | { kind: 'succeeded'; exitCode: number; stdout: string; stderr: string; startedAt: string | null; endedAt: string | null }
  | {
      kind: 'failed';
      exitCode: number | null;
      /** The first meaningful line of stderr (PowerShell's error message), else Azure's execution message. */
      stderrSummary: string;
      stdout: string;
      stderr: string;
      executionState: string;
      message: string;
    }
  | { kind: 'timedOut'; stdout: string; stderr: string; message: string }
  | { kind: 'agentUnavailable'; message: string }
  | { kind: 'notFound' };

/** Tag written at submission, so a reader can tell how long a command has been waiting. */
export const SUBMITTED_AT_TAG = 'rdp-autorepair-submitted-at';
/** Tag marking the run commands this app created (cleanup lists them). */
export const OWNER_TAG = 'rdp-autorepair';
export const OWNER_TAG_VALUE = 'guest-script';

const AGENT_FAILURE = /VMAgentStatusCommunicationError|has not reported status for VM agent/i;
const SUMMARY_LIMIT = 300;

export function guestScriptStateOf(runCommand: VirtualMachineRunCommand): GuestScriptState {
  const view = runCommand.instanceView;
  const provisioning = runCommand.provisioningState ?? '';
  if (provisioning === 'Deleting' && !view?.executionState) return { kind: 'notFound' };
  const agentText = [view?.executionMessage ?? '', ...(view?.statuses ?? []).flatMap((s) => [s.code ?? '', s.message ?? ''])].join('\n');
  if (provisioning === 'Failed' && AGENT_FAILURE.test(agentText)) {
    const message =
      view?.statuses?.find((s) => AGENT_FAILURE.test(`${s.code ?? ''} ${s.message ?? ''}`))?.message ?? view?.executionMessage ?? agentText;
    return { kind: 'agentUnavailable', message };
  }
  const stdout = view?.output ?? '';
  const stderr = view?.error ?? '';
  const message = view?.executionMessage ?? '';
  switch (view?.executionState) {
    case 'Pending':
      return { kind: 'pending', submittedAt: runCommand.tags?.[SUBMITTED_AT_TAG] ?? null };
    case 'Running':
      return { kind: 'running', startedAt: iso(view.startTime) };
    case 'Succeeded':
      if ((view.exitCode ?? 0) === 0) {
        return { kind: 'succeeded', exitCode: 0, stdout, stderr, startedAt: iso(view.startTime), endedAt: iso(view.endTime) };
      }
      return failed(view.executionState, view.exitCode ?? null, stdout, stderr, message);
    case 'TimedOut':
      return { kind: 'timedOut', stdout, stderr, message: message || 'The script ran longer than its timeoutInSeconds.' };
    case 'Failed':
    case 'Canceled':
      return failed(view.executionState, view.exitCode ?? null, stdout, stderr, message);
    default:
      // No execution state yet: still provisioning, or failed before the script ran.
      if (provisioning === 'Failed')
        return failed(
          view?.executionState ?? 'Unknown',
          view?.exitCode ?? null,
          stdout,
          stderr,
          message || 'Run command provisioning failed.',
        );
      return { kind: 'pending', submittedAt: runCommand.tags?.[SUBMITTED_AT_TAG] ?? null };
  }
}

function failed(executionState: string, exitCode: number | null, stdout: string, stderr: string, message: string): GuestScriptState {
  return { kind: 'failed', exitCode, stderrSummary: summarizeStderr(stderr, message, exitCode), stdout, stderr, executionState, message };
}

/**
 * PowerShell writes an error as "<command> : <message>" followed by "At line:..", "+ ..." and category lines;
 * the first line that is not such decoration carries the message.
 */
export function summarizeStderr(stderr: string, fallback = '', exitCode: number | null = null): string {
  const line = stderr
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^(At line:\d|At [A-Za-z]:\\|\+ |~+$)/.test(l));
  const summary = line ?? (fallback || (exitCode !== null ? `exit code ${exitCode}` : 'no error output'));
  return summary.length > SUMMARY_LIMIT ? `${summary.slice(0, SUMMARY_LIMIT - 1)}…` : summary;
}

function iso(value: Date | undefined): string | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : null;
}
