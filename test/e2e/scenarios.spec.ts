/**
 * Every scenario end to end: the real HTTP handlers, the real orchestrator replayed by the durable host
 * emulator, activities calling the simulated ARM through the real SDK clients, the real probe against a
 * simulated RDP endpoint on 127.0.0.1. Then each again with every activity executed twice (idempotence), and
 * with transient ARM faults injected (it must still end the same way).
 */
import { SCENARIOS, findScenario, SIM_OPERATOR_CIDR, SIM_SUBSCRIPTION_ID } from '../../src/simulator/scenarios/catalog';
import { type SimulatedAppOptions, SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

const names = SCENARIOS.map((s) => [s.name, s.expectedOutcome] as const);
/** ARM writes each scenario may make; the read-only diagnose script's Run Command create + delete count as two. */
const WRITES_BY_SCENARIO: Record<string, number> = {
  healthy: 0,
  // The snapshot PUT and the security rule PUT: RDP answered on its port, so the NSG came first and healed it; no guest run.
  'nsg-open-to-world': 2,
  'vm-stopped': 0,
  'linux-vm': 0,
  'opted-out': 0,
  'missing-vm': 0,
};

/** VM restarts per scenario: a port conflict needs none; certificate and TLS fixes share exactly one. */
const RESTARTS_BY_SCENARIO: Record<string, number> = {
  healthy: 0,
  'nsg-open-to-world': 0,
  'vm-stopped': 0,
  'linux-vm': 0,
  'opted-out': 0,
  'missing-vm': 0,
  'port-conflict': 0,
  'port-conflict-unstoppable': 0,
  'corrupt-certificate': 1,
  'machinekeys-acl': 1,
  'tls-disabled': 1,
  'multiple-faults': 1,
  'tls-reverted-by-domain-policy': 1,
  'agent-down': 0,
  'agent-down-no-offline': 0,
  'agent-stopped-no-sac': 0,
  'boot-stuck-bugcheck': 0,
  'boot-diagnostics-off': 0,
  'rescue-vm-quota': 0,
  // The serial console brings the agent back; the TLS fix then needs its one restart.
  'agent-stopped-sac': 1,
  // The offline path deallocates and starts the VM; it asks for no restart.
  'offline-only-gen2': 0,
  'offline-only-gen1': 0,
  'offline-with-rescue-vm': 0,
  'offline-did-not-help': 0,
  'encrypted-os-disk': 0,
  'swap-fails': 0,
  'unknown-cause': 1,
  unrepairable: 1,
  'port-held-by-shared-svchost': 0,
  'pinned-cert-expired': 1,
  'corrupt-key-container': 1,
};

async function run(
  name: string,
  options: SimulatedAppOptions = {},
  prepare?: (app: SimulatedRepairApp) => void | Promise<void>,
  request: Record<string, unknown> = {},
) {
  const app = await SimulatedRepairApp.start(options);
  try {
    const seeded = await app.addScenario(findScenario(name)!);
    await prepare?.(app);
    const { start, status } = await app.runRepair({ ...seeded.request, ...request });
    return { app, seeded, start, status, arm: app.arm.stats(), stats: app.emulator.stats(start.body.id) };
  } finally {
    await app.close();
  }
}

describe('scenarios end to end', () => {
  it.each(names)('%s ends %s, with the expected writes and restarts', async (name, expected) => {
    const { start, status, arm, app } = await run(name);
    expect(start.status).toBe(202);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.outcome.kind).toBe(expected);
    expect(status.outcome.reason.length).toBeGreaterThan(10);
    if (name in WRITES_BY_SCENARIO) expect(arm.writes).toBe(WRITES_BY_SCENARIO[name]);
    expect(status.restarts).toBe(RESTARTS_BY_SCENARIO[name]);
    // No Run Command run is left on the VM.
    expect(app.arm.requests().filter((r) => r.operation === 'virtualMachineRunCommands.createOrUpdate' && r.status < 300).length).toBe(
      app.arm.requests().filter((r) => r.operation === 'virtualMachineRunCommands.delete' && r.status < 300).length,
    );
    expect(status.timeline.every((t: { status: string }) => t.status !== 'running')).toBe(true);
  });

  it.each(names)('%s ends %s with every activity executed twice', async (name, expected) => {
    const { status, app } = await run(name, { executeActivitiesTwice: true });
    expect(status.outcome.kind).toBe(expected);
    const reruns = app.emulator.activityExecutions.filter((e) => e.run === 2);
    expect(reruns.length).toBeGreaterThan(0);
    // A second run must answer like the first. Writes may say they found their work already done (wrote,
    // alreadyRestarted, deleted); everything else must be identical.
    const comparable = (name: string, o: (typeof reruns)[number]['outcome']): unknown => {
      if (!o.ok) return o;
      const value = (o.result as { ok: boolean; value?: Record<string, unknown> }).value;
      if (!value || typeof value !== 'object') return o.result;
      const {
        wrote: _w,
        alreadyRestarted: _a,
        deleted: _d,
        elapsedMs: _e,
        already: _al,
        alreadyAttached: _aa,
        alreadyDetached: _ad,
        alreadySwapped: _as,
        alreadyTagged: _at,
        ...rest
      } = value as Record<string, unknown>;
      if (name === 'probeRdp') {
        const certificate = rest.certificate as Record<string, unknown> | null;
        return { ...rest, certificate: certificate ? { ...certificate } : null };
      }
      return rest;
    };
    for (const second of reruns) {
      const first = app.emulator.activityExecutions.find(
        (e) => e.instanceId === second.instanceId && e.taskScheduledId === second.taskScheduledId && e.run === 1,
      )!;
      expect(comparable(second.name, second.outcome)).toEqual(comparable(first.name, first.outcome));
    }
    if (name === 'nsg-open-to-world') {
      expect(app.arm.world.snapshots()).toHaveLength(1);
      expect(status.changes).toHaveLength(1);
      expect(status.changes[0].before).toEqual(['*']);
    }
  });

  it.each(names)('%s ends %s despite transient ARM faults (500s beyond the SDK retries, then a 429)', async (name, expected) => {
    const { status, app, stats } = await run(name, {}, (a) => {
      a.injectArmFault({ status: 500, times: 5 });
      a.injectArmFault({ status: 429, retryAfterMs: 5, times: 1 });
    });
    expect(status.outcome.kind).toBe(expected);
    const failed = app.arm.requests().filter((r) => r.status >= 500 || r.status === 429);
    if (name !== 'missing-vm' || failed.length > 0) expect(failed.length).toBeGreaterThan(0);
    if (failed.length >= 5)
      expect(stats.activityExecutions).toBeGreaterThan(app.emulator.activityExecutions.filter((e) => e.run === 1 && !e.outcome.ok).length);
  });
});

describe('repair details', () => {
  it('keeps the snapshot, tags it, and records the rule it changed with its old value', async () => {
    const { status, app, seeded } = await run('nsg-open-to-world');
    const [snapshot] = app.arm.world.snapshots();
    expect(status.artifacts.snapshotId.toLowerCase()).toBe(snapshot.id.toLowerCase());
    expect(snapshot.tags['rdp-autorepair-vm']).toBe(seeded.vmId.toLowerCase());
    expect(snapshot.tags['rdp-autorepair-repair-id']).toBe(status.repairId);
    expect(status.artifacts.originalOsDiskId).toBeTruthy();
    const snapshotStep = status.timeline.find((t: { step: string }) => t.step === 'snapshot');
    const restrictStep = status.timeline.find((t: { step: string }) => t.step === 'restrictNsgRule');
    // Nothing changed before the backup existed.
    expect(Date.parse(restrictStep.startedAt)).toBeGreaterThanOrEqual(Date.parse(snapshotStep.endedAt));
    const writes = app.arm.requests().filter((r) => r.kind === 'write');
    expect(writes.map((w) => w.operation)).toEqual(['snapshots.createOrUpdate', 'securityRules.createOrUpdate']);
    expect(status.changes[0]).toMatchObject({ property: 'sourceAddressPrefixes', before: ['*'], after: [SIM_OPERATOR_CIDR] });
    expect(status.probes.baseline.verdict).toBe('broken');
    expect(status.probes.verify.verdict).toBe('healthy');
  });

  it('diagnose mode reads only and says what a repair would change', async () => {
    const app = await SimulatedRepairApp.start();
    try {
      const seeded = await app.addScenario(findScenario('nsg-open-to-world')!);
      const { status } = await app.runRepair({ ...seeded.request, mode: 'diagnose' });
      expect(status.outcome.kind).toBe('Diagnosed');
      // The only ARM writes are the Run Command resource of the read-only diagnose script, created and removed.
      const writes = app.arm.requests().filter((r) => r.kind === 'write');
      expect(writes.map((w) => w.operation)).toEqual(['virtualMachineRunCommands.createOrUpdate', 'virtualMachineRunCommands.delete']);
      expect(status.guestRuns.map((g: { script: string }) => g.script)).toEqual(['diagnose']);
      expect(status.plannedChanges).toHaveLength(1);
      expect(status.plannedChanges[0].after).toEqual([SIM_OPERATOR_CIDR]);
      expect(status.changes).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('reports exposure without changing anything when no allowedSourceCidrs are given', async () => {
    const app = await SimulatedRepairApp.start();
    try {
      const seeded = await app.addScenario(findScenario('nsg-open-to-world')!);
      const { status } = await app.runRepair({ vmResourceId: seeded.vmId });
      expect(status.outcome.kind).toBe('NotRepaired');
      // Nothing written but the read-only diagnose run; no blind article-order fixes while an open NSG explains it.
      expect(app.arm.requests().filter((r) => r.kind === 'write' && !r.operation.startsWith('virtualMachineRunCommands'))).toEqual([]);
      expect(status.guestRuns.map((g: { script: string }) => g.script)).toEqual(['diagnose']);
      expect(status.restarts).toBe(0);
      expect(status.findings.find((f: { code: string }) => f.code === 'RdpOpenToInternet').advice).toContain('allowedSourceCidrs');
    } finally {
      await app.close();
    }
  });

  it('says "could not verify from here" when the restricted rule shuts this app out, instead of "broken"', async () => {
    const app = await SimulatedRepairApp.start();
    try {
      const seeded = await app.addScenario(findScenario('nsg-open-to-world')!);
      const { status } = await app.runRepair({ ...seeded.request, allowedSourceCidrs: ['198.51.100.0/24'] });
      expect(status.outcome.kind).toBe('Unverified');
      expect(status.outcome.reason).toContain('Could not verify from here');
      expect(status.probes.verify.verdict).toBe('unreachable');
      expect(status.changes).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('ends with a reason, not a crash, when Azure refuses permission (403 is permanent: no retries)', async () => {
    const { status, app } = await run('nsg-open-to-world', {}, (a) =>
      a.injectArmFault({ method: 'PUT', pathPattern: /snapshots/, status: 403, times: 1 }),
    );
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.outcome.kind).toBe('NotRepaired');
    expect(status.outcome.reason).toContain('AuthorizationFailed');
    expect(status.outcome.advice.join(' ')).toContain('rdp-autorepair role');
    expect(app.arm.requests().filter((r) => r.method === 'PUT' && /snapshots/.test(r.path))).toHaveLength(1);
    expect(status.changes).toEqual([]);
  });

  it('refuses to overwrite a rule someone changed after the assessment', async () => {
    const app = await SimulatedRepairApp.start();
    try {
      const seeded = await app.addScenario(findScenario('nsg-open-to-world')!);
      const start = await app.http('POST', '/api/repairs', seeded.request);
      // Let the flow assess the effective rules (read while the snapshot is taken), then change the rule behind its back.
      const assessed = () => app.arm.requests().some((r) => r.path.includes('/effectiveNetworkSecurityGroups'));
      while (!app.arm.world.snapshots().length || !assessed()) await app.emulator.step();
      const nsgId = app.arm.world.vms()[0].nicIds[0].replace(/networkInterfaces\/.*$/, 'networkSecurityGroups/vm-exposed-nsg');
      const pipeline = (await import('../../src/simulator/arm')).createSimulatedArmClients(app.arm).network(seeded.vmId.split('/')[2]);
      const rule = await pipeline.securityRules.get('rg-rdp-sim', 'vm-exposed-nsg', 'RDP');
      await pipeline.securityRules.createOrUpdate(
        'rg-rdp-sim',
        'vm-exposed-nsg',
        'RDP',
        { ...rule, sourceAddressPrefix: '192.0.2.0/24' },
        { updateIntervalInMs: 1 },
      );
      await app.emulator.runUntilComplete(start.body.id);
      const status = (await app.http('GET', new URL(start.body.statusUrl).pathname)).body;
      expect(status.outcome.kind).toBe('NotRepaired');
      expect(status.outcome.reason).toContain('RuleChangedSinceAssessment');
      expect(app.arm.world.nsg(nsgId).rules.find((r) => r.name === 'RDP')?.sourceAddressPrefix).toBe('192.0.2.0/24');
    } finally {
      await app.close();
    }
  });
});

describe('work that does not wait for the diagnosis', () => {
  const at = (entry: { startedAt: string }) => Date.parse(entry.startedAt);
  const step = (status: { timeline: Array<{ step: string }> }, name: string) => status.timeline.find((t) => t.step === name) as any;
  /** The scenario's office-only RDP rule opened to the Internet, through ARM as a person would. */
  const openToWorld = async (app: SimulatedRepairApp, nsgName: string) => {
    const network = (await import('../../src/simulator/arm')).createSimulatedArmClients(app.arm).network(SIM_SUBSCRIPTION_ID);
    const rule = await network.securityRules.get('rg-rdp-sim', nsgName, 'AllowRdpFromOffice');
    await network.securityRules.createOrUpdate(
      'rg-rdp-sim',
      nsgName,
      'AllowRdpFromOffice',
      { ...rule, sourceAddressPrefix: '*' },
      {
        updateIntervalInMs: 1,
      },
    );
  };

  it('takes the snapshot while the read-only diagnosis runs, and changes nothing before it is usable', async () => {
    const { status } = await run('corrupt-certificate');
    const snapshot = step(status, 'snapshot');
    const diagnose = step(status, 'guest:diagnose');
    const fix = step(status, 'guest:renew-certificate');
    expect(at(snapshot)).toBeLessThanOrEqual(at(diagnose));
    expect(Date.parse(snapshot.endedAt)).toBeLessThanOrEqual(Date.parse(diagnose.endedAt));
    expect(at(fix)).toBeGreaterThanOrEqual(Date.parse(snapshot.endedAt));
    expect(snapshot.status).toBe('succeeded');
  });

  it('keeps a snapshot taken alongside a diagnosis that leads to no change, and says it was not needed', async () => {
    const { status, app } = await run('port-held-by-shared-svchost');
    expect(status.changes).toEqual([]);
    expect(app.arm.world.snapshots()).toHaveLength(1);
    expect(step(status, 'snapshot')).toMatchObject({ status: 'succeeded', detail: expect.stringMatching(/not needed \(kept\)/) });
  });

  it('restricts a world-open rule before reading the guest, then diagnoses and fixes what the NSG did not explain', async () => {
    const { status } = await run('corrupt-certificate', {}, (app) => openToWorld(app, 'vm-badcert-nsg'), {
      allowedSourceCidrs: [SIM_OPERATOR_CIDR],
    });
    expect(status.outcome.kind).toBe('Repaired');
    const restrict = step(status, 'restrictNsgRule');
    const diagnose = step(status, 'guest:diagnose');
    expect(at(restrict)).toBeLessThanOrEqual(at(diagnose));
    expect(status.probes.verify.verdict).toBe('healthy');
    expect(status.changes.map((c: { property: string }) => c.property)).toContain('sourceAddressPrefixes');
    expect(status.restarts).toBe(1);
  });

  it('diagnoses before touching the NSG when nothing proves the assumed port is RDP (another program answered there)', async () => {
    const { status } = await run('port-conflict', {}, (app) => openToWorld(app, 'vm-portclash-nsg'), {
      allowedSourceCidrs: [SIM_OPERATOR_CIDR],
    });
    const diagnose = step(status, 'guest:diagnose');
    const restrict = step(status, 'restrictNsgRule');
    expect(at(diagnose)).toBeLessThan(at(restrict));
  });
});

describe('online repair details', () => {
  it('port-conflict: stops the holder and starts TermService without restarting the VM', async () => {
    const { status } = await run('port-conflict');
    expect(status.guestRuns.map((g: { script: string }) => g.script)).toEqual(['diagnose', 'fix-port-conflict']);
    expect(status.changes.map((c: { after: unknown }) => c.after)).toEqual(expect.arrayContaining([expect.stringMatching(/W3SVC/)]));
    expect(status.findings.map((f: { code: string }) => f.code)).toEqual(expect.arrayContaining(['RdpPortTaken', 'PortHolderStopped']));
  });

  it('port-conflict-unstoppable: moves RDP and opens the NSG for the new port with the old sources', async () => {
    const { status, app } = await run('port-conflict-unstoppable');
    expect(status.rdpPort).toBe(3390);
    expect(status.probes.verify.target).toMatch(/:3390$/);
    const nsg = app.arm.world.nsg(
      app.arm.world.vms()[0].nicIds[0].replace(/networkInterfaces\/vm-portstuck-nic$/, 'networkSecurityGroups/vm-portstuck-nsg'),
    );
    const added = nsg.rules.find((r) => r.name === 'rdp-autorepair-3390');
    expect(added).toMatchObject({ access: 'Allow', destinationPortRange: '3390', sourceAddressPrefix: SIM_OPERATOR_CIDR, priority: 299 });
    expect(status.findings.map((f: { code: string }) => f.code)).toContain('RdpPortMoved');
  });

  it('multiple-faults: the port freed first (holder disabled), certificate and TLS behind one restart, all verified', async () => {
    const { status } = await run('multiple-faults');
    // boot-time runs prove the restart (restartProof.spec.ts); the order of the fixes is what matters here.
    expect(
      status.guestRuns
        .map((g: { script: string }) => g.script)
        .filter((s: string) => s !== 'boot-time')
        .slice(0, 4),
    ).toEqual(['diagnose', 'fix-port-conflict', 'renew-certificate', 'enable-tls']);
    const restartAt = status.timeline.findIndex((t: { step: string }) => t.step === 'restartVm');
    const portFixAt = status.timeline.findIndex((t: { step: string }) => t.step === 'guest:fix-port-conflict');
    expect(portFixAt).toBeLessThan(restartAt);
    // Disabled before the restart, the holder did not take the port back: one port fix, one restart.
    expect(status.guestRuns.filter((g: { script: string }) => g.script === 'fix-port-conflict')).toHaveLength(1);
    expect(status.restarts).toBe(1);
    expect(status.changes.find((c: { property: string }) => c.property.endsWith('W3SVC\\Start'))).toMatchObject({ before: 2, after: 4 });
    const tls = status.changes.find((c: { property: string }) => c.property.endsWith('TLS 1.2\\Server\\Enabled'));
    expect(tls).toMatchObject({ after: 1 });
  });

  it('tls-disabled: enables TLS 1.2 only (not 1.0/1.1) and records every value it replaced', async () => {
    const { status } = await run('tls-disabled');
    const props = status.changes.map((c: { property: string }) => c.property);
    expect(props.some((p: string) => p.includes('TLS 1.2\\Server\\Enabled'))).toBe(true);
    expect(props.some((p: string) => /TLS 1\.[01]\\/.test(p))).toBe(false);
    expect(status.changes.find((c: { property: string }) => c.property.endsWith('gpsvc\\Start'))).toMatchObject({ before: 2, after: 4 });
  });

  it('tls-reverted-by-domain-policy: explains that a domain policy must change, naming the values', async () => {
    const { status } = await run('tls-reverted-by-domain-policy');
    expect(status.outcome.kind).toBe('NotRepaired');
    expect(status.outcome.reason).toContain('Enabled=0');
    expect(status.outcome.reason).toContain('corp.contoso.com');
    expect(status.outcome.advice.join(' ')).toMatch(/Group Policy/);
    expect(status.probes.verify.verdict).toBe('healthy'); // the fix worked until the policy refreshed
  });

  it('agent-down-no-offline: no Run Command at all, and the advice says how to ask for the offline repair', async () => {
    const { status, app } = await run('agent-down-no-offline');
    expect(app.arm.requests().some((r) => r.operation.startsWith('virtualMachineRunCommands'))).toBe(false);
    expect(status.findings.map((f: { code: string }) => f.code)).toContain('OnlineChannelUnavailable');
    expect(status.outcome.advice.join(' ')).toMatch(/offline repair/);
    expect(status.outcome.advice.join(' ')).toMatch(/"offline": "auto"/);
    expect(app.arm.stats().writes).toBe(0);
  });

  it('unknown-cause: runs the article order one step at a time and stops as soon as RDP is healthy', async () => {
    const { status } = await run('unknown-cause');
    expect(status.guestRuns.map((g: { script: string }) => g.script).filter((s: string) => s !== 'boot-time')).toEqual([
      'diagnose',
      'renew-certificate',
    ]);
    expect(status.plannedChanges.some((c: { property: string }) => c.property === 'article order')).toBe(true);
  });
});

describe('online repair when things go wrong', () => {
  it('waits out a Run Command "another command is running" 409 and still repairs', async () => {
    const { status, app } = await run('corrupt-certificate', {}, (a) =>
      a.injectArmFault({
        method: 'PUT',
        pathPattern: /runCommands\/rdpautorepair-\w+-2-renew-certificate/,
        status: 409,
        code: 'Conflict',
        message: 'Run command extension execution is in progress. Please wait for completion before invoking a run command.',
        times: 1,
      }),
    );
    expect(status.outcome.kind).toBe('Repaired');
    expect(app.arm.requests().filter((r) => r.method === 'PUT' && /renew-certificate/.test(r.path) && r.status === 409)).toHaveLength(1);
  });

  it('ends NotRepaired with a finding, not a hang, when the VM does not come back after the restart', async () => {
    const { status } = await run('corrupt-certificate', { settings: { RESTART_TIMEOUT_MINUTES: '3' } }, (a) => {
      // The agent breaks once the certificate fix has run, and TermService is disabled: the restart then never reaches
      // "agent Ready", and RDP never answers (RDP answering alone would count as back: restartProof.spec.ts).
      a.arm.onChange((change) => {
        if (change.kind !== 'powerState' || change.to !== 'starting') return;
        a.arm.world.setAgentHealth(change.vmId, 'NotReady');
        a.guestOf(change.vmId)?.setServiceStart('TermService', 4);
      });
    });
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.outcome.kind).toBe('NotRepaired');
    expect(status.outcome.reason).toContain('did not come back');
    expect(status.findings.map((f: { code: string }) => f.code)).toContain('RestartTimedOut');
    expect(status.artifacts.snapshotId).toBeTruthy();
  });

  it('frees the port again when its holder is re-enabled behind the repair and takes the port back at the restart', async () => {
    const { status } = await run('multiple-faults', {}, (a) => {
      // A configuration agent sets W3SVC back to Automatic while the VM restarts (as a DSC or Intune policy would).
      a.arm.onChange((change) => {
        if (change.kind === 'powerState' && change.to === 'starting') a.guestOf(change.vmId)?.setServiceStart('W3SVC', 2);
      });
    });
    expect(status.outcome.kind).toBe('Repaired');
    expect(status.restarts).toBe(1);
    const portFixes = status.timeline.filter((t: { step: string }) => t.step === 'guest:fix-port-conflict');
    expect(portFixes.length).toBeGreaterThanOrEqual(2);
    const restartAt = status.timeline.findIndex((t: { step: string }) => t.step === 'restartVm');
    expect(status.timeline.findLastIndex((t: { step: string }) => t.step === 'guest:fix-port-conflict')).toBeGreaterThan(restartAt);
    expect(status.probes.verify.verdict).toBe('healthy');
  });

  it('reports a guest script that times out and changes nothing blind after it', async () => {
    const app = await SimulatedRepairApp.start({ settings: { RUN_COMMAND_TIMEOUT_SECONDS: '60' } });
    try {
      const scenario = findScenario('corrupt-certificate')!;
      const seeded = await app.addScenario({
        ...scenario,
        seed: (world, rg) => ({
          ...scenario.seed(world, rg),
          guest: { certificate: 'corrupt-private-key', scriptDelaysMs: { 'renew-certificate': 600_000 } },
        }),
      });
      const { status } = await app.runRepair(seeded.request);
      expect(status.guestRuns.find((g: { script: string }) => g.script === 'renew-certificate')?.ended).toBe('timedOut');
      expect(status.restarts).toBe(0);
      expect(status.outcome.kind).toBe('NotRepaired');
    } finally {
      await app.close();
    }
  });
});
