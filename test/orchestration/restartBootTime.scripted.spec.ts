/**
 * Where the first restart's "before" boot time comes from: the diagnosis (no boot-time run before the restart), or,
 * when the diagnosis could not read it, a boot-time run before the restart as before. Scripted activities: the real
 * orchestrator, no simulated Azure.
 */
import { Activities } from '../../src/domain/activityContracts';
import type { RenewCertificateResult } from '../../src/domain/guestScriptContracts';
import type { GuestRunInput, SnapshotState, VmPowerReading } from '../../src/domain/vmFacts';
import { diagnosis } from '../support/diagnoseFixtures';
import { network, ok, probe, type RepairScript, runScriptedRepair, vmFacts } from '../support/scriptedRepair';

const SNAPSHOT_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-scripted/providers/Microsoft.Compute/snapshots/s1';

const renewed: RenewCertificateResult = {
  script: 'renew-certificate',
  ok: true,
  message: 'new RDP certificate 0F1E2D3C4B5A69788796A5B4C3D2E1F001234567',
  changes: [{ path: 'Cert:\\LocalMachine\\Remote Desktop', name: 'Certificate', before: 'A1B2', after: null }],
  actions: ['restarted TermService'],
  removedThumbprint: 'A1B2',
  aclBackupPath: null,
};

/** A corrupt certificate; the diagnosis reports `bootTime` as LastBootUpTime; the restart reboots Windows. */
function corruptCertificate(
  bootTime: string | null,
  readings: VmPowerReading[] = [{ powerState: 'running', agentStatus: 'Ready', agentMessage: null }],
): { script: RepairScript; scripts: string[] } {
  const scripts: string[] = [];
  let restarted = false;
  let probes = 0;
  let polls = 0;
  const script: RepairScript = {
    [Activities.readVm]: ok({ found: true, facts: vmFacts() }),
    [Activities.readVmNetwork]: ok(network()),
    [Activities.probeRdp]: () => {
      probes += 1;
      return ok(probe(probes === 1 ? 'broken' : 'healthy'));
    },
    [Activities.startOsDiskSnapshot]: ok<SnapshotState>({
      snapshotId: SNAPSHOT_ID,
      provisioningState: 'Succeeded',
      completionPercent: 100,
    }),
    [Activities.getSnapshotState]: ok<SnapshotState>({ snapshotId: SNAPSHOT_ID, provisioningState: 'Succeeded', completionPercent: 100 }),
    [Activities.startGuestScript]: (input: unknown) => {
      const name = (input as GuestRunInput).script;
      scripts.push(restarted ? `${name} (after the restart)` : name);
      if (name === 'diagnose')
        return ok({ state: 'succeeded', result: { ...diagnosis({ certificate: { privateKeyOpens: false } }), lastBootUpTime: bootTime } });
      if (name === 'renew-certificate') return ok({ state: 'succeeded', result: renewed });
      if (name === 'boot-time')
        return ok({
          state: 'succeeded',
          result: { script: 'boot-time', lastBootUpTime: restarted ? '2026-01-05T03:10:00Z' : '2026-01-02T00:00:00Z' },
        });
      throw new Error(`unexpected guest script ${name}`);
    },
    [Activities.restartVm]: () => {
      restarted = true;
      return ok({ alreadyRestarted: false });
    },
    [Activities.readVmPower]: () => ok(readings[Math.min(polls++, readings.length - 1)]),
    [Activities.deleteGuestScript]: ok({ deleted: 'requested' }),
    [Activities.sweepGuestScripts]: ok({ left: [] }),
  };
  return { script, scripts };
}

describe('the first restart is proven against the boot time the diagnosis read', () => {
  it('diagnosis read it: no boot-time run before the restart, one after it', async () => {
    const { script, scripts } = corruptCertificate('2026-01-02T00:00:00Z');
    const run = await runScriptedRepair(script);
    expect(run.outcomeKind).toBe('Repaired');
    expect(run.status?.outcome?.caveats).toEqual([]);
    expect(scripts).toEqual(['diagnose', 'renew-certificate', 'boot-time (after the restart)']);
  });

  it('diagnosis could not read it: boot-time runs before the restart as well', async () => {
    const { script, scripts } = corruptCertificate(null);
    const run = await runScriptedRepair(script);
    expect(run.outcomeKind).toBe('Repaired');
    expect(run.status?.outcome?.caveats).toEqual([]);
    expect(scripts).toEqual(['diagnose', 'renew-certificate', 'boot-time', 'boot-time (after the restart)']);
  });
});

describe('the restart is not back while its operation still runs on a VM that never showed it went down', () => {
  it('running with ProvisioningState/updating before any other power state: no probe until the VM went down and came back', async () => {
    const old: VmPowerReading = { powerState: 'running', agentStatus: 'Ready', agentMessage: null, operationInProgress: true };
    const { script } = corruptCertificate('2026-01-02T00:00:00Z', [
      old,
      old,
      { powerState: 'starting', agentStatus: 'NotReady', agentMessage: null, operationInProgress: true },
      { powerState: 'running', agentStatus: 'Ready', agentMessage: null, operationInProgress: false },
    ]);
    const run = await runScriptedRepair(script);
    expect(run.outcomeKind).toBe('Repaired');
    const afterRestart = run.called.slice(run.called.indexOf(Activities.restartVm));
    const firstProbe = afterRestart.indexOf(Activities.probeRdp);
    expect(afterRestart.slice(0, firstProbe).filter((a) => a === Activities.readVmPower)).toHaveLength(4);
    expect(run.status?.outcome?.caveats).toEqual([]);
  });
});
