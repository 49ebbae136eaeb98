/**
 * The real repair orchestrator against scripted activity results: routing decisions without a simulated Azure.
 * Each test asserts the outcome kind and which activities ran (never internal status text).
 */
import type { GuestRunInput, RestrictRuleInput, RestrictRuleResult, SnapshotState } from '../../src/domain/vmFacts';
import { Activities } from '../../src/domain/activityContracts';
import { throws } from '../../src/simulator/durable/scriptedActivities';
import { healthyDiagnosis } from '../support/diagnoseFixtures';
import { jestModuleIsolation } from '../support/moduleIsolation';
import { network, ok, probe, type RepairScript, runScriptedRepair, VM_ID, vmFacts } from '../support/scriptedRepair';
import type { BootDiagnosticsReading, GuestBootState } from '../../src/domain/bootDiagnostics';

function bootReading(boot: GuestBootState): BootDiagnosticsReading {
  return {
    enabled: true,
    storage: 'managed',
    screenshotAvailable: true,
    serialLog: { read: true, bytes: 900, truncated: false },
    guest: { boot, earlierStopCode: null },
    platformStatus: null,
  };
}

const SNAPSHOT_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-scripted/providers/Microsoft.Compute/snapshots/s1';

/** A guest whose diagnose script runs and finds nothing wrong; any other script is a test failure. */
const diagnoseOnly: RepairScript = {
  [Activities.startGuestScript]: (input: unknown) => {
    const script = (input as GuestRunInput).script;
    if (script !== 'diagnose') throw new Error(`unexpected guest script ${script}`);
    return ok({ state: 'succeeded', result: healthyDiagnosis() });
  },
  [Activities.deleteGuestScript]: ok({ deleted: 'requested' }),
  // The closing sweep finds nothing left: each run's delete went through.
  [Activities.sweepGuestScripts]: ok({ left: [] }),
};

/** A world-open RDP rule, a healthy guest: the repair snapshots the disk, restricts the rule and verifies. */
const restrictWorldOpenRdp: RepairScript = {
  [Activities.readVm]: ok({ found: true, facts: vmFacts() }),
  [Activities.readVmNetwork]: ok(network(['*'])),
  [Activities.probeRdp]: ok(probe('healthy')),
  // The incremental snapshot is still copying when it is first read back.
  [Activities.startOsDiskSnapshot]: ok<SnapshotState>({ snapshotId: SNAPSHOT_ID, provisioningState: 'Succeeded', completionPercent: 40 }),
  [Activities.getSnapshotState]: ok<SnapshotState>({ snapshotId: SNAPSHOT_ID, provisioningState: 'Succeeded', completionPercent: 100 }),
  [Activities.restrictNsgRule]: (input: unknown) => {
    const { nsgId, ruleName, newSourcePrefixes } = input as RestrictRuleInput;
    const before = { nsgId, name: ruleName, priority: 300, sourceAddressPrefix: '*', sourceAddressPrefixes: [] };
    return ok<RestrictRuleResult>({
      before,
      after: { ...before, sourceAddressPrefix: null, sourceAddressPrefixes: newSourcePrefixes },
      wrote: true,
    });
  },
  ...diagnoseOnly,
};

describe('repair orchestrator with scripted activities', () => {
  it('rejects a VM that preflight does not find, and calls nothing after readVm', async () => {
    const run = await runScriptedRepair({ [Activities.readVm]: ok({ found: false, message: 'The VM does not exist.' }) });
    expect(run.outcomeKind).toBe('Rejected');
    expect(run.called).toEqual([Activities.readVm]);
  });

  it('rejects a Linux VM before reading its network', async () => {
    const run = await runScriptedRepair({ [Activities.readVm]: ok({ found: true, facts: vmFacts({ osType: 'Linux' }) }) });
    expect(run.outcomeKind).toBe('Rejected');
    expect(run.called).toEqual([Activities.readVm]);
  });

  it('ends AlreadyHealthy on a healthy baseline behind a restricted NSG, with no write and no guest script', async () => {
    const run = await runScriptedRepair({
      [Activities.readVm]: ok({ found: true, facts: vmFacts() }),
      [Activities.readVmNetwork]: ok(network()),
      [Activities.probeRdp]: ok(probe('healthy')),
    });
    expect(run.outcomeKind).toBe('AlreadyHealthy');
    expect(run.wrote).toEqual([]);
    expect(run.called).not.toContain(Activities.startGuestScript);
    // The NSG resources first, then (the baseline being healthy, nothing to overlap) the effective rules.
    expect(run.called).toEqual([Activities.readVm, Activities.readVmNetwork, Activities.probeRdp, Activities.readVmNetwork]);
  });

  it('ends NotRepaired without touching the guest or Azure when the VM agent is not Ready', async () => {
    const run = await runScriptedRepair({
      [Activities.readVm]: ok({ found: true, facts: vmFacts({ agentStatus: 'NotReady', agentMessage: 'VM agent is unresponsive.' }) }),
      [Activities.readVmNetwork]: ok(network()),
      [Activities.probeRdp]: ok(probe('broken')),
      [Activities.readBootDiagnostics]: ok(bootReading({ state: 'booted' })),
    });
    expect(run.outcomeKind).toBe('NotRepaired');
    expect(run.wrote).toEqual([]);
    expect(run.called).not.toContain(Activities.startGuestScript);
    expect(run.called).toContain(Activities.readBootDiagnostics);
  });

  it.each([
    ['repair', 'NotRepaired'],
    ['diagnose', 'Diagnosed'],
  ])('in %s mode, a stop error in the serial log ends %s naming the code, offline allowed or not', async (mode, kind) => {
    const run = await runScriptedRepair(
      {
        [Activities.readVm]: ok({ found: true, facts: vmFacts({ agentStatus: 'NotReady' }) }),
        [Activities.readVmNetwork]: ok(network()),
        [Activities.probeRdp]: ok(probe('unreachable')),
        [Activities.readBootDiagnostics]: ok(
          bootReading({ state: 'stopError', stopCode: '0x000000EF', stopName: 'CRITICAL_PROCESS_DIED' }),
        ),
      },
      { body: mode === 'repair' ? { offline: 'auto', rescueVmResourceId: `${VM_ID}-rescue` } : { mode } },
    );
    expect(run.outcomeKind).toBe(kind);
    expect(run.status?.outcome?.reason).toContain('0x000000EF (CRITICAL_PROCESS_DIED)');
    expect(run.wrote).toEqual([]);
    expect(run.called.at(-1)).toBe(Activities.readBootDiagnostics);
  });

  it('ends NotRepaired for a stopped VM and never probes it', async () => {
    const run = await runScriptedRepair({ [Activities.readVm]: ok({ found: true, facts: vmFacts({ powerState: 'deallocated' }) }) });
    expect(run.outcomeKind).toBe('NotRepaired');
    expect(run.called).toEqual([Activities.readVm]);
  });

  it('ends NotRepaired after the configured attempts when readVm keeps failing transiently', async () => {
    const run = await runScriptedRepair({ [Activities.readVm]: throws('ServiceUnavailable: try again later') });
    expect(run.outcomeKind).toBe('NotRepaired');
    expect(run.called).toEqual(Array(run.settings.activityRetryAttempts).fill(Activities.readVm));
  });

  it('in diagnose mode, plans the NSG restriction for a world-open port but writes nothing', async () => {
    const run = await runScriptedRepair(
      {
        [Activities.readVm]: ok({ found: true, facts: vmFacts() }),
        [Activities.readVmNetwork]: ok(network(['*'])),
        [Activities.probeRdp]: ok(probe('healthy')),
        ...diagnoseOnly,
      },
      { body: { mode: 'diagnose' } },
    );
    expect(run.outcomeKind).toBe('Diagnosed');
    expect(run.wrote).toEqual([]);
    expect(run.status?.plannedChanges.length).toBeGreaterThan(0);
    expect(run.activities.callsOf(Activities.startGuestScript).map((c) => (c.input as GuestRunInput).script)).toEqual(['diagnose']);
  });

  it('takes a snapshot before it restricts a world-open NSG, and verifies afterwards', async () => {
    const run = await runScriptedRepair(restrictWorldOpenRdp);
    const snapshotAt = run.called.indexOf(Activities.startOsDiskSnapshot);
    const restrictAt = run.called.indexOf(Activities.restrictNsgRule);
    expect(snapshotAt).toBeGreaterThan(-1);
    expect(restrictAt).toBeGreaterThan(snapshotAt);
    expect(run.called.lastIndexOf(Activities.probeRdp)).toBeGreaterThan(restrictAt);
    expect(run.called).not.toContain(Activities.restartVm);
    expect(run.activities.callsOf(Activities.getSnapshotState)).toHaveLength(1);
    expect(run.outcomeKind).toBe('Repaired');
  });

  it('ends the same, calling the same activities once each, when the worker dies after every activity', async () => {
    const clean = await runScriptedRepair(restrictWorldOpenRdp);
    const crashed = await runScriptedRepair(restrictWorldOpenRdp, { workerCrashes: { isolateModules: jestModuleIsolation } });
    expect(crashed.crashes).toBe(crashed.called.length);
    expect(crashed.outcomeKind).toBe(clean.outcomeKind);
    expect(crashed.called).toEqual(clean.called);
  });

  it('fails loudly when the orchestrator calls an activity the script does not answer', async () => {
    await expect(runScriptedRepair({ [Activities.readVm]: ok({ found: true, facts: vmFacts() }) })).rejects.toThrow(
      /the script does not answer: readVmNetwork/,
    );
  });
});
