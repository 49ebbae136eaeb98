/**
 * Mapping a run command's GET (as the SDK deserializes it) to the channel's typed state, and summarizing
 * PowerShell's error stream.
 */
import type { VirtualMachineRunCommand } from '@azure/arm-compute';
import { guestScriptStateOf, summarizeStderr, SUBMITTED_AT_TAG } from '../../src/guest/runCommandState';

const base: VirtualMachineRunCommand = {
  location: 'westeurope',
  source: { script: 'x' },
  provisioningState: 'Succeeded',
  tags: { [SUBMITTED_AT_TAG]: '2026-01-05T03:00:00.000Z' },
};
const at = (iso: string) => new Date(iso);

test.each<[string, VirtualMachineRunCommand, ReturnType<typeof guestScriptStateOf>]>([
  [
    'no instance view yet while Creating',
    { ...base, provisioningState: 'Creating' },
    { kind: 'pending', submittedAt: '2026-01-05T03:00:00.000Z' },
  ],
  [
    'Pending',
    { ...base, provisioningState: 'Creating', instanceView: { executionState: 'Pending' } },
    { kind: 'pending', submittedAt: '2026-01-05T03:00:00.000Z' },
  ],
  [
    'Running',
    { ...base, instanceView: { executionState: 'Running', startTime: at('2026-01-05T03:00:05Z') } },
    { kind: 'running', startedAt: '2026-01-05T03:00:05.000Z' },
  ],
  [
    'Succeeded, exit 0',
    {
      ...base,
      instanceView: {
        executionState: 'Succeeded',
        exitCode: 0,
        output: 'out',
        error: '',
        startTime: at('2026-01-05T03:00:05Z'),
        endTime: at('2026-01-05T03:00:30Z'),
      },
    },
    {
      kind: 'succeeded',
      exitCode: 0,
      stdout: 'out',
      stderr: '',
      startedAt: '2026-01-05T03:00:05.000Z',
      endedAt: '2026-01-05T03:00:30.000Z',
    },
  ],
  [
    'Succeeded but a non-zero exit code',
    { ...base, instanceView: { executionState: 'Succeeded', exitCode: 2, output: '', error: 'bad' } },
    { kind: 'failed', exitCode: 2, stderrSummary: 'bad', stdout: '', stderr: 'bad', executionState: 'Succeeded', message: '' },
  ],
  [
    'Failed with no stderr: the execution message, else the exit code',
    { ...base, instanceView: { executionState: 'Failed', exitCode: 1, executionMessage: '' } },
    { kind: 'failed', exitCode: 1, stderrSummary: 'exit code 1', stdout: '', stderr: '', executionState: 'Failed', message: '' },
  ],
  [
    'Canceled',
    { ...base, instanceView: { executionState: 'Canceled', executionMessage: 'deleted' } },
    { kind: 'failed', exitCode: null, stderrSummary: 'deleted', stdout: '', stderr: '', executionState: 'Canceled', message: 'deleted' },
  ],
  [
    'TimedOut',
    { ...base, instanceView: { executionState: 'TimedOut', output: 'half', error: '' } },
    { kind: 'timedOut', stdout: 'half', stderr: '', message: 'The script ran longer than its timeoutInSeconds.' },
  ],
  [
    'provisioning Failed by the agent',
    {
      ...base,
      provisioningState: 'Failed',
      instanceView: {
        executionState: 'Unknown',
        statuses: [
          {
            code: 'ProvisioningState/failed/VMAgentStatusCommunicationError',
            level: 'Error',
            message: "VM 'web01' has not reported status for VM agent or extensions.",
          },
        ],
      },
    },
    { kind: 'agentUnavailable', message: "VM 'web01' has not reported status for VM agent or extensions." },
  ],
  [
    'provisioning Failed for another reason, before any execution',
    { ...base, provisioningState: 'Failed', instanceView: { executionMessage: 'InternalExecutionError' } },
    {
      kind: 'failed',
      exitCode: null,
      stderrSummary: 'InternalExecutionError',
      stdout: '',
      stderr: '',
      executionState: 'Unknown',
      message: 'InternalExecutionError',
    },
  ],
  ['Deleting without an execution', { ...base, provisioningState: 'Deleting' }, { kind: 'notFound' }],
  [
    'Deleting after it finished: still reads as finished (a repeated read-then-delete gives the same answer)',
    { ...base, provisioningState: 'Deleting', instanceView: { executionState: 'Succeeded', exitCode: 0, output: 'out', error: '' } },
    { kind: 'succeeded', exitCode: 0, stdout: 'out', stderr: '', startedAt: null, endedAt: null },
  ],
])('%s', (_label, runCommand, expected) => {
  expect(guestScriptStateOf(runCommand)).toEqual(expected);
});

test("the stderr summary is PowerShell's message line, not its position and category decoration", () => {
  const stderr = [
    'At line:12 char:5',
    '+     Stop-Service -Name W3SVC -ErrorAction Stop',
    '+     ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~',
    "Stop-Service : Service 'World Wide Web Publishing Service (W3SVC)' cannot be stopped due to the following error: " +
      'Cannot stop W3SVC service.',
    '    + CategoryInfo          : CloseError: (System.ServiceProcess.ServiceController:ServiceController) ' +
      '[Stop-Service], ServiceCommandException',
  ].join('\r\n');
  expect(summarizeStderr(stderr)).toMatch(/^Stop-Service : Service 'World Wide Web Publishing Service \(W3SVC\)' cannot be stopped/);
  expect(summarizeStderr('x'.repeat(1000))).toHaveLength(300);
  expect(summarizeStderr('', 'fallback')).toBe('fallback');
});
