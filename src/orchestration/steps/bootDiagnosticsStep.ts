/**
 * The boot diagnostics step: run when the VM agent is not Ready, before the repair gives up on the online
 * channel. It reads the boot diagnostics (readBootDiagnostics: no SAS URL or log text comes back), records what
 * they say as findings, and follows decisions/unreachableGuestRoute.ts: a stop error ends the repair naming the
 * stop code; a booting guest gets one bounded wait and a second reading; anything else continues with the guest
 * unreachable, so the offline route after the online phase decides (it runs only where the request allows it).
 */
import type { BootDiagnosticsReading } from '../../domain/bootDiagnostics';
import type { Caveat, OutcomeKind } from '../../domain/repairStatus';
import type { VmFacts } from '../../domain/vmFacts';
import { parseVmResourceId } from '../../domain/vmResourceId';
import { BOOT_SETTLE_SECONDS, unreachableGuestRoute, type UnreachableGuestRoute } from '../decisions/unreachableGuestRoute';
import { withChangesNote } from '../decisions/outcome';
import { enableBootDiagnosticsAdvice, Findings, stopErrorAdvice } from '../findings';
import { end, type Flow, type Gen, type PhaseResult, proceed } from '../flow';

export interface BootDiagnosticsFacts {
  reading: BootDiagnosticsReading;
  /** Where the decision sent the repair ('serial' is handled as 'offline' until the serial console step exists). */
  route: Exclude<UnreachableGuestRoute['route'], 'wait' | 'end'>;
  /** Checks the boot diagnostics could not make, for the outcome. */
  caveats: Caveat[];
}

export function* bootDiagnosticsStep(flow: Flow, vm: VmFacts): Gen<PhaseResult<BootDiagnosticsFacts>> {
  let afterWait = false;
  for (;;) {
    flow.begin('readBootDiagnostics', afterWait ? 'read again after the wait' : `the VM agent is ${vm.agentStatus}`);
    const called = yield* flow.call('readBootDiagnostics', { vmId: vm.id }, 'readBootDiagnostics');
    if (called.kind === 'end') return called;
    const reading = called.facts;
    flow.end('readBootDiagnostics', describe(reading));
    const route = unreachableGuestRoute({ reading, serialConfigured: (flow.settings.serialConsole ?? null) !== null, afterWait });

    if (route.route === 'wait') {
      flow.begin('waitForBoot', `${route.why}: waiting ${route.seconds} s before reading the serial log again`);
      yield flow.wait(route.seconds);
      flow.end('waitForBoot', `waited ${route.seconds} s`);
      afterWait = true;
      continue;
    }
    const caveats = recordFindings(flow, vm, reading, afterWait);
    if (route.route === 'end') {
      const code = route.stopCode ? `${route.stopCode}${route.stopName ? ` (${route.stopName})` : ''}` : 'with an unknown stop code';
      const reason =
        `Windows stops with a stop error ${code} while booting (boot diagnostics serial log). The offline repair cannot fix ` +
        'a stop error, so it was not started; nothing was changed by this step.';
      const kind: OutcomeKind = flow.request.mode === 'diagnose' ? 'Diagnosed' : 'NotRepaired';
      return end(withChangesNote({ kind, reason, advice: stopErrorAdvice(route.stopCode, route.stopName) }, flow.status));
    }
    // 'serial': the online phase tries the serial console (phases/online.ts); 'offline' and a serial console that
    // did not bring the agent back leave the guest unreachable, and the offline route decides.
    return proceed({ reading, route: route.route, caveats });
  }
}

function recordFindings(flow: Flow, vm: VmFacts, reading: BootDiagnosticsReading, afterWait: boolean): Caveat[] {
  const boot = reading.guest.boot;
  const caveats: Caveat[] = [];
  if (!reading.enabled) {
    const parsed = parseVmResourceId(vm.id);
    const [group, name] = parsed.ok ? [parsed.value.resourceGroup, parsed.value.name] : ['<resource group>', vm.name];
    flow.find(Findings.bootDiagnosticsOff(group, name));
    caveats.push({
      check: 'bootDiagnostics',
      reason: `boot diagnostics are off, so the guest's state is unknown. ${enableBootDiagnosticsAdvice(group, name)}`,
    });
    return caveats;
  }
  if (!reading.serialLog.read) {
    flow.find(Findings.bootDiagnosticsUnread(reading.serialLog.reason));
    caveats.push({ check: 'bootDiagnostics', reason: reading.serialLog.reason });
    return caveats;
  }
  if (boot.state === 'noOutput') flow.find(Findings.serialLogEmpty());
  if (boot.state === 'booted') flow.find(Findings.guestBooted(vm.agentStatus));
  if (boot.state === 'booting') flow.find(Findings.guestStillBooting(boot.sacStarted, afterWait ? BOOT_SETTLE_SECONDS : null));
  if (boot.state === 'stopError') flow.find(Findings.guestStopError(boot.stopCode, boot.stopName, reading.guest.earlierStopCode));
  return caveats;
}

/** The timeline's words for a reading: never a URL, only what was found. */
function describe(reading: BootDiagnosticsReading): string {
  if (!reading.enabled) return 'boot diagnostics are off';
  const log = reading.serialLog.read
    ? `serial log: last ${reading.serialLog.bytes} bytes read${reading.serialLog.truncated ? ' (tail of a longer log)' : ''}`
    : `serial log not read (${reading.serialLog.reason})`;
  const boot = reading.guest.boot;
  const guest =
    boot.state === 'stopError'
      ? `stop error ${boot.stopCode ?? '(code not shown)'}`
      : boot.state === 'booting'
        ? `still booting${boot.sacStarted ? ' (SAC started)' : ''}`
        : boot.state === 'booted'
          ? 'booted, SAC ready'
          : 'no output';
  const platform = reading.platformStatus ? `; Azure reports: ${reading.platformStatus}` : '';
  const screenshot = `screenshot ${reading.screenshotAvailable ? 'available' : 'not available'}`;
  return `${reading.storage} storage; ${log}; ${screenshot}; guest: ${guest}${platform}`;
}
