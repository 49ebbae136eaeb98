/**
 * Bring Run Command back through the serial console: when the VM agent is not Ready and the channel is configured,
 * log in at SAC (after the serialConsoleLogin approval), set the agent's services to start automatically and start
 * them, then wait (bounded, durable timers) for the agent to report Ready and read the VM again. Every line typed
 * is a timeline row (the password as a placeholder); every way it fails is a finding, and the caller goes on as if
 * the channel did not exist (offline when the request allows it).
 */
import { GUEST_AGENT_SERVICES, loginSecretFor, type SerialConsoleSettings } from '../../domain/serialConsole';
import type { PlannedChange } from '../../domain/repairStatus';
import type { VmFacts, VmPowerReading } from '../../domain/vmFacts';
import { type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { SerialConsoleFindings } from '../serialConsoleFindings';
import { approvalStep } from './approvalStep';

export type SerialConsoleStepResult = { restored: true; vm: VmFacts } | { restored: false };

const STEP = 'serialConsole';

export function* serialConsoleStep(flow: Flow, vm: VmFacts, settings: SerialConsoleSettings): Gen<PhaseResult<SerialConsoleStepResult>> {
  const secretName = loginSecretFor(vm.tags, settings);
  if (!secretName) {
    flow.find(SerialConsoleFindings.noSecret());
    flow.skip(STEP, 'no login secret named for this VM');
    return proceed({ restored: false });
  }
  const planned: PlannedChange[] = GUEST_AGENT_SERVICES.map((service) => ({
    resourceId: `${vm.id}/guest`,
    property: `service ${service}`,
    before: null,
    after: 'start type automatic, running',
    reason: `the VM agent is ${vm.agentStatus}: start its services through the serial console so that Run Command works again`,
  }));
  flow.status.plannedChanges.push(...planned);
  // A login that starts services is a change: diagnose mode only says it would happen.
  if (flow.request.mode === 'diagnose') {
    flow.skip(STEP, `diagnose mode: a repair would log in at the serial console and start ${GUEST_AGENT_SERVICES.join(', ')}`);
    return proceed({ restored: false });
  }
  const approved = yield* approvalStep(flow, 'serialConsoleLogin', planned);
  if (approved.kind === 'end') return approved;

  flow.begin(STEP, `log in at the serial console (SAC) with Key Vault secret '${secretName}'; start ${GUEST_AGENT_SERVICES.join(', ')}`);
  const called = yield* flow.call('serialConsoleRestoreAgent', { vmId: vm.id, keyVaultUri: settings.keyVaultUri, secretName }, STEP);
  if (called.kind === 'end') return called;
  const session = called.facts;
  const at = flow.now();
  for (const line of session.typed) {
    flow.status.timeline.push({
      step: `${STEP}:typed`,
      status: 'succeeded',
      startedAt: at,
      endedAt: at,
      detail: line === '' ? '<Enter>' : line,
    });
  }
  for (const service of session.services) {
    if (service.automatic !== true) continue;
    flow.status.changes.push({
      resourceId: `${vm.id}/guest`,
      property: `service ${service.service}`,
      // sc.exe's description of the old start type is localized text, so it is not read.
      before: 'not read',
      after: service.running ? 'start type automatic, running' : 'start type automatic',
      at,
      reason: 'the VM agent was not Ready; its services were set to start automatically and started through the serial console',
    });
    flow.wrote({
      kind: 'guestAction',
      resourceId: `${vm.id}/guest`,
      what: `${service.service} set to start automatically${service.running ? ', running' : ''} (serial console)`,
      undo: `sc.exe config ${service.service} start= demand (an Azure VM's agent services start automatically by default)`,
    });
  }
  if (!session.ok) {
    flow.find(SerialConsoleFindings.failed(session.failure, session.detail));
    flow.end(STEP, `${session.failure}: ${session.detail}`, 'failed');
    return proceed({ restored: false });
  }
  flow.status.artifacts.serialConsoleAt = at;
  flow.end(STEP, `${GUEST_AGENT_SERVICES.join(', ')} set to automatic and started (sc.exe exit codes checked)`);

  const back = yield* waitForAgent(flow, vm.id, settings.agentWaitMinutes);
  if (back.kind === 'end') return back;
  if (!back.facts) return proceed({ restored: false });
  const read = yield* flow.call('readVm', { vmResourceId: vm.id }, 'readVm');
  if (read.kind === 'end') return read;
  if (!read.facts.found) return proceed({ restored: false });
  return proceed({ restored: true, vm: read.facts.facts });
}

function* waitForAgent(flow: Flow, vmId: string, minutes: number): Gen<PhaseResult<boolean>> {
  const deadline = flow.nowMs() + minutes * 60_000;
  let reading: VmPowerReading | null = null;
  flow.begin(`${STEP}:agentReady`, `waiting up to ${minutes} minutes for the VM agent to report Ready`);
  while (flow.nowMs() < deadline) {
    yield flow.wait(flow.settings.powerPollSeconds);
    const read = yield* flow.call('readVmPower', { vmId }, `${STEP}:agentReady`);
    if (read.kind === 'end') return read;
    reading = read.facts;
    if (reading.powerState === 'running' && reading.agentStatus === 'Ready') {
      flow.end(`${STEP}:agentReady`, 'VM agent Ready: Run Command can reach the guest again');
      return proceed(true);
    }
    flow.progress(`VM agent ${reading.agentStatus}`);
  }
  const last = reading ? `${reading.powerState}, agent ${reading.agentStatus}` : 'unknown';
  flow.find(SerialConsoleFindings.agentNotReady(minutes, last));
  flow.end(`${STEP}:agentReady`, `not Ready within ${minutes} minutes (${last})`, 'failed');
  return proceed(false);
}
