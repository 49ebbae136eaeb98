/**
 * A check that could not run is named in the outcome, and the outcome then never reads as an unqualified success.
 * After a TLS fix works, Group Policy is given back and diagnosis runs again to catch a domain policy that turns
 * TLS 1.2 off: when either cannot run, that check did not happen.
 */
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

describe('caveats: checks that could not run', () => {
  it('the re-diagnosis after Group Policy cannot run: Repaired, with the domainPolicyRecheck caveat in the outcome', async () => {
    const app = await SimulatedRepairApp.start();
    try {
      // The domain policy would turn TLS off again, but the agent stops answering before diagnosis can see it.
      const seeded = await app.addScenario(findScenario('tls-reverted-by-domain-policy')!);
      app.arm.onChange((change) => {
        if (change.kind === 'runCommand' && /restore-group-policy/.test(change.runCommandName) && change.executionState === 'Succeeded') {
          app.arm.world.setAgentHealth(change.vmId, 'NotReady');
        }
      });
      const { status } = await app.runRepair(seeded.request);
      expect(status.runtimeStatus).toBe('Completed');
      expect(status.outcome.kind).toBe('Repaired');
      expect(status.outcome.path).toBe('online');
      expect(status.outcome.caveats).toEqual([
        { check: 'domainPolicyRecheck', reason: expect.stringMatching(/^The diagnosis after Group Policy ran failed/) },
      ]);
      expect(status.outcome.reason).toMatch(/Not everything could be checked: domainPolicyRecheck/);
    } finally {
      await app.close();
    }
  });

  it('Group Policy cannot run now (gpsvc refuses reconfiguration): the recheck is a caveat, not a silent pass', async () => {
    const app = await SimulatedRepairApp.start();
    try {
      const seeded = await app.addScenario(findScenario('tls-disabled')!);
      const { status } = await app.runRepair(seeded.request);
      expect(status.outcome).toMatchObject({ kind: 'Repaired', path: 'online' });
      expect(status.outcome.caveats).toEqual([
        { check: 'domainPolicyRecheck', reason: expect.stringMatching(/^Group Policy could not run after the repair/) },
      ]);
      expect(status.findings.map((f: { code: string }) => f.code)).toContain('GroupPolicyResumesAtNextBoot');
    } finally {
      await app.close();
    }
  });

  it('a clean port-conflict repair has no caveats and reports the online path; a success keeps nothing to settle', async () => {
    const app = await SimulatedRepairApp.start();
    try {
      const seeded = await app.addScenario(findScenario('port-conflict')!);
      const { status } = await app.runRepair(seeded.request);
      expect(status.outcome).toMatchObject({ kind: 'Repaired', path: 'online', caveats: [] });
      expect(status.kept).toEqual([]);
      expect(status.undoLog.length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});

describe('a permanent failure mid-repair says what it left', () => {
  it('restart refused (403) after the certificate fix: NotRepaired, each guest write listed as kept with why', async () => {
    const app = await SimulatedRepairApp.start();
    try {
      const seeded = await app.addScenario(findScenario('corrupt-certificate')!);
      app.injectArmFault({ method: 'POST', pathPattern: /\/restart$/, status: 403, times: Infinity });
      const { status } = await app.runRepair(seeded.request);
      expect(status.runtimeStatus).toBe('Completed');
      expect(status.outcome.kind).toBe('NotRepaired');
      expect(status.outcome.reason).toMatch(/change\(s\) had been made before this/);
      expect(status.changes.length).toBeGreaterThan(0);
      expect(status.kept.length).toBe(status.undoLog.length);
      expect(status.kept.length).toBeGreaterThan(0);
      for (const kept of status.kept) {
        expect(kept.resourceId).toBe(`${seeded.vmId}/guest`);
        expect(kept.why).toMatch(/^kept: /);
        expect(kept.undo.length).toBeGreaterThan(5);
      }
      expect(status.undone).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
