/**
 * Issue 17 through the HTTP API on the simulated app: the approval gate before each disruptive step (approved,
 * rejected, expired), cancel at safe points, audit of who decided, and the 404 / 409 answers.
 */
import type { World } from '../../src/simulator/arm';
import { findScenario, SIM_OPERATOR_CIDR } from '../../src/simulator/scenarios/catalog';
import type { Scenario } from '../../src/simulator/scenarios/scenario';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

type Gate = { step: string; plannedChanges: unknown[]; since: string; expiresAt: string };
type Answer = 'approve' | 'approveAll' | 'reject' | 'expire' | 'cancel';

const principal = (name: string) => ({
  'x-ms-client-principal': Buffer.from(JSON.stringify({ auth_typ: 'aad', claims: [] })).toString('base64'),
  'x-ms-client-principal-id': `${name}-id`,
  'x-ms-client-principal-name': name,
  'x-ms-client-principal-idp': 'aad',
});

/** Drives a repair step by step; at each gate it is waiting at, `answer` says what the operator does. */
async function follow(app: SimulatedRepairApp, id: string, answer: (gate: Gate, seen: Gate[]) => Answer | null) {
  const gates: Gate[] = [];
  const responses: Array<{ status: number; body: any }> = [];
  let answered = '';
  for (let steps = 0; steps < 5000; steps += 1) {
    const current = await app.http('GET', `/api/repairs/${id}`);
    if (['Completed', 'Failed', 'Terminated'].includes(current.body.runtimeStatus)) return { status: current.body, gates, responses };
    const gate: Gate | null = current.body.waitingFor ?? null;
    const key = gate ? `${gate.step}@${gate.since}` : '';
    if (gate && key !== answered) {
      answered = key;
      gates.push(gate);
      const what = answer(gate, gates);
      if (what === 'approve' || what === 'approveAll') {
        const r = await app.http(
          'POST',
          `/api/repairs/${id}/approve`,
          { step: what === 'approveAll' ? 'all' : gate.step },
          principal('alice@contoso.com'),
        );
        responses.push(r);
      } else if (what === 'reject') {
        responses.push(await app.http('POST', `/api/repairs/${id}/reject`, { step: gate.step }, principal('bob@contoso.com')));
      } else if (what === 'cancel') {
        responses.push(await app.http('POST', `/api/repairs/${id}/cancel`));
      }
    }
    const progressed = await app.emulator.step();
    if (!progressed) throw new Error(`stalled: ${app.emulator.waitingOn(id).join(', ')}`);
  }
  throw new Error('did not finish');
}

async function withApp<T>(fn: (app: SimulatedRepairApp) => Promise<T>, settings: Record<string, string> = {}): Promise<T> {
  const app = await SimulatedRepairApp.start({ settings: { APPROVAL_TIMEOUT_MINUTES: '30', ...settings } });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** corrupt-certificate behind an NSG rule open to the Internet: an NSG write, then the guest fix and its restart. */
const exposedBadCert: Scenario = (() => {
  const base = findScenario('corrupt-certificate')!;
  const worldOpen = {
    name: 'RDP',
    priority: 300,
    access: 'Allow',
    direction: 'Inbound',
    protocol: 'Tcp',
    sourceAddressPrefix: '*',
    destinationPortRange: '3389',
  };
  return {
    ...base,
    name: 'corrupt-certificate-exposed',
    seed: (world, rg) =>
      base.seed(
        new Proxy(world, {
          get(target, prop) {
            if (prop === 'addVmWithNetwork') {
              return (input: Parameters<World['addVmWithNetwork']>[0]) =>
                target.addVmWithNetwork({ ...input, nicNsgRules: [worldOpen as never] });
            }
            const value = Reflect.get(target, prop);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        }),
        rg,
      ),
    request: (vmId) => ({ vmResourceId: vmId, allowedSourceCidrs: [SIM_OPERATOR_CIDR] }),
  };
})();

async function start(
  app: SimulatedRepairApp,
  scenario: string | Scenario,
  extra: Record<string, unknown> = { approval: 'beforeDisruptive' },
) {
  const seeded = await app.addScenario(typeof scenario === 'string' ? findScenario(scenario)! : scenario);
  const started = await app.http('POST', '/api/repairs', { ...seeded.request, ...extra });
  expect(started.status).toBe(202);
  return { id: started.body.id as string, vmId: seeded.vmId };
}

const writes = (app: SimulatedRepairApp) =>
  app.arm
    .requests()
    .filter((r) => ['PUT', 'PATCH', 'DELETE'].includes(r.method) || /restart/.test(r.operation))
    .map((r) => r.operation);

describe('approval gate (approval: beforeDisruptive)', () => {
  it.each([
    ['nsg-open-to-world', ['restrictNsgRule']],
    ['corrupt-certificate', ['guest:renew-certificate', 'restartVm']],
    ['port-conflict', ['guest:fix-port-conflict']],
    ['tls-disabled', ['guest:enable-tls', 'restartVm']],
    // No rescueVmResourceId: the temporary rescue VM has its own gate after the offline repair's.
    ['agent-down', ['createRescueVm', 'deallocateVm', 'swapOsDisk']],
  ])('%s: waits before each disruptive step, and with each approved repairs as without approval', async (scenario, expected) =>
    withApp(async (app) => {
      const { id } = await start(app, scenario);
      const { status, gates, responses } = await follow(app, id, () => 'approve');
      expect(gates.map((g) => g.step)).toEqual(expected);
      for (const gate of gates) {
        expect(gate.plannedChanges.length).toBeGreaterThan(0);
        expect(Date.parse(gate.expiresAt) - Date.parse(gate.since)).toBe(30 * 60_000);
      }
      expect(responses.every((r) => r.status === 202)).toBe(true);
      expect(status.outcome.kind).toBe('Repaired');
      expect(status.waitingFor).toBeNull();
      expect(status.approvals.map((a: any) => [a.decision, a.gate, a.by])).toEqual(
        expected.map((step) => ['approve', step, 'alice@contoso.com (aad)']),
      );
      // Read-only steps never wait.
      expect(status.timeline.filter((t: any) => t.step.startsWith('approval:')).map((t: any) => t.step)).toEqual(
        expected.map((s) => `approval:${s}`),
      );
    }),
  );

  it.each([
    ['nsg-open-to-world', 'restrictNsgRule'],
    ['corrupt-certificate', 'guest:renew-certificate'],
    ['corrupt-certificate', 'restartVm'],
    ['port-conflict', 'guest:fix-port-conflict'],
    ['tls-disabled', 'guest:enable-tls'],
    ['agent-down', 'createRescueVm'],
  ])('%s: rejecting %s ends NotRepaired before it, nothing further changed', async (scenario, rejected) =>
    withApp(async (app) => {
      const { id } = await start(app, scenario);
      let writesAtReject: string[] = [];
      const { status } = await follow(app, id, (gate) => {
        if (gate.step !== rejected) return 'approve';
        writesAtReject = writes(app);
        return 'reject';
      });
      expect(status.outcome.kind).toBe('NotRepaired');
      expect(status.outcome.reason).toContain(`bob@contoso.com (aad) rejected ${rejected}`);
      expect(status.outcome.reason).toContain('nothing further was changed');
      // Only the sweep of Run Command runs (deletes) may follow; no NSG write, no restart, no guest script.
      const after = writes(app).slice(writesAtReject.length);
      expect(after.filter((op) => !/runCommands\.delete/i.test(op))).toEqual([]);
      expect(status.approvals.at(-1)).toMatchObject({ decision: 'reject', gate: rejected, by: 'bob@contoso.com (aad)' });
      expect(status.guestRuns.map((r: any) => `guest:${r.script}`)).not.toContain(rejected);
    }),
  );

  it('an unanswered gate expires after APPROVAL_TIMEOUT_MINUTES: NotRepaired, said so, nothing written', async () =>
    withApp(async (app) => {
      const { id } = await start(app, 'nsg-open-to-world');
      const { status, gates } = await follow(app, id, () => 'expire');
      expect(gates.map((g) => g.step)).toEqual(['restrictNsgRule']);
      expect(status.outcome.kind).toBe('NotRepaired');
      expect(status.outcome.reason).toMatch(/No approval for restrictNsgRule arrived within 30 minutes/);
      expect(status.changes).toEqual([]);
      expect(writes(app).filter((op) => /securityRules/i.test(op))).toEqual([]);
      expect(status.approvals).toEqual([expect.objectContaining({ decision: 'expired', gate: 'restrictNsgRule' })]);
    }));

  it('approve all once passes every later gate', async () =>
    withApp(async (app) => {
      const { id } = await start(app, 'corrupt-certificate');
      const { status, gates } = await follow(app, id, () => 'approveAll');
      expect(gates.map((g) => g.step)).toEqual(['guest:renew-certificate']);
      expect(status.outcome.kind).toBe('Repaired');
    }));

  it('an approval raised before the repair reaches the gate is not lost; a duplicate and a late one are harmless', async () =>
    withApp(async (app) => {
      const { id } = await start(app, 'corrupt-certificate');
      // Both approvals before the first episode has even run: Durable Functions buffers them.
      expect((await app.http('POST', `/api/repairs/${id}/approve`, { step: 'guest:renew-certificate' })).status).toBe(202);
      expect((await app.http('POST', `/api/repairs/${id}/approve`, { step: 'restartVm' })).status).toBe(202);
      const { status, gates } = await follow(app, id, (gate, seen) => {
        throw new Error(`waited at ${gate.step} (${seen.length}) although approved in advance`);
      });
      expect(gates).toEqual([]);
      expect(status.outcome.kind).toBe('Repaired');
      expect(status.restarts).toBe(1);
      expect(status.approvals.map((a: any) => [a.step, a.gate, a.by])).toEqual([
        ['guest:renew-certificate', 'guest:renew-certificate', 'function key'],
        ['restartVm', 'restartVm', 'function key'],
      ]);
      const late = await app.http('POST', `/api/repairs/${id}/approve`, { step: 'restartVm' });
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('RepairNotRunning');
    }));

  it('a double click approves one gate only: the duplicate does not approve the next gate of the same step', async () =>
    withApp(async (app) => {
      const { id } = await start(app, 'corrupt-certificate');
      let restartGates = 0;
      const { status } = await follow(app, id, (gate) => {
        if (gate.step === 'restartVm') restartGates += 1;
        return 'approve';
      });
      expect(restartGates).toBe(1);
      expect(status.outcome.kind).toBe('Repaired');
    }));
});

describe('the decision routes', () => {
  it('404 for an unknown id, 409 when the repair is done or never asked for approval, 400 for an unknown step', async () =>
    withApp(
      async (app) => {
        for (const verb of ['approve', 'reject', 'cancel']) {
          const r = await app.http('POST', `/api/repairs/rdprepair-nope-0123456789abcdef/${verb}`, { step: 'all' });
          expect(r.status).toBe(404);
          expect((await app.http('POST', `/api/repairs/not-an-id/${verb}`, { step: 'all' })).status).toBe(404);
        }
        const { id } = await start(app, 'nsg-open-to-world', { approval: 'none' });
        const notAsked = await app.http('POST', `/api/repairs/${id}/approve`, { step: 'all' });
        expect(notAsked.status).toBe(409);
        expect(notAsked.body.error.code).toBe('ApprovalNotRequested');
        await app.followRepair(id);
        for (const verb of ['approve', 'reject', 'cancel']) {
          const r = await app.http('POST', `/api/repairs/${id}/${verb}`, { step: 'all' });
          expect(r.status).toBe(409);
          expect(r.body.error.code).toBe('RepairNotRunning');
        }
        const second = await start(app, 'corrupt-certificate');
        const bad = await app.http('POST', `/api/repairs/${second.id}/approve`, { step: 'format-disk' });
        expect(bad.status).toBe(400);
        expect((await app.http('POST', `/api/repairs/${second.id}/approve`)).status).toBe(400);
      },
      { APPROVAL_DEFAULT: 'beforeDisruptive' },
    ));

  it('APPROVAL_DEFAULT applies when the request names none; a bad value is a configuration error', async () => {
    await withApp(
      async (app) => {
        const { id } = await start(app, 'nsg-open-to-world', {});
        const { gates } = await follow(app, id, () => 'approve');
        expect(gates.map((g) => g.step)).toEqual(['restrictNsgRule']);
      },
      { APPROVAL_DEFAULT: 'beforeDisruptive' },
    );
    await withApp(
      async (app) => {
        const seeded = await app.addScenario(findScenario('healthy')!);
        const r = await app.http('POST', '/api/repairs', seeded.request);
        expect(r.status).toBe(500);
        expect(r.body.error.code).toBe('ConfigurationError');
        expect(r.body.error.message).toMatch(/APPROVAL_DEFAULT must be 'none' or 'beforeDisruptive'/);
      },
      { APPROVAL_DEFAULT: 'sometimes' },
    );
  });
});

describe('cancel', () => {
  it('before the first write: Cancelled, nothing changed, no snapshot', async () =>
    withApp(async (app) => {
      const { id } = await start(app, 'nsg-open-to-world', {});
      const cancel = await app.http('POST', `/api/repairs/${id}/cancel`, undefined, principal('carol@contoso.com'));
      expect(cancel.status).toBe(202);
      const status = await app.followRepair(id);
      expect(status.outcome.kind).toBe('Cancelled');
      expect(status.outcome.reason).toMatch(/Cancelled by carol@contoso\.com \(aad\).*before snapshot\. Nothing had been changed/);
      expect(status.changes).toEqual([]);
      expect(status.artifacts.snapshotId).toBeNull();
      expect(status.cancelled).toMatchObject({ by: 'carol@contoso.com (aad)', before: 'snapshot' });
      // The NSG comes first here (RDP answered on its port), so the cancel is seen before the guest is even read.
      expect(writes(app)).toEqual([]);
      expect(status.guestRuns).toEqual([]);
    }));

  it('after the NSG change: Cancelled before the guest fix, the NSG change kept with why', async () =>
    withApp(async (app) => {
      const { id } = await start(app, exposedBadCert);
      const { status, gates } = await follow(app, id, (gate) => (gate.step === 'guest:renew-certificate' ? 'cancel' : 'approve'));
      expect(gates.map((g) => g.step)).toEqual(['restrictNsgRule', 'guest:renew-certificate']);
      expect(status.outcome.kind).toBe('Cancelled');
      expect(status.cancelled.before).toBe('guest:renew-certificate');
      expect(status.outcome.reason).toMatch(/1 change\(s\) had been made before it/);
      expect(status.kept).toEqual([
        expect.objectContaining({ kind: 'nsgSources', why: expect.stringMatching(/open RDP to the Internet again/) }),
      ]);
      expect(status.restarts).toBe(0);
      expect(status.guestRuns.map((r: any) => r.script)).not.toContain('renew-certificate');
    }));

  it('during the online fix (between the certificate renewal and the restart): stops before the restart, lists what is kept', async () =>
    withApp(async (app) => {
      const { id } = await start(app, 'corrupt-certificate');
      const { status } = await follow(app, id, (gate) => (gate.step === 'restartVm' ? 'cancel' : 'approve'));
      expect(status.outcome.kind).toBe('Cancelled');
      expect(status.cancelled.before).toBe('restartVm');
      expect(status.restarts).toBe(0);
      expect(status.kept.length).toBeGreaterThan(0);
      expect(status.kept.every((k: any) => typeof k.why === 'string' && k.why.length > 0)).toBe(true);
      expect(status.undone).toEqual([]);
      // The normal ending still runs: no Run Command run of this repair is left on the VM.
      expect(app.arm.runCommands.listByVm(status.vmResourceId).length).toBe(0);
    }));

  it('without approval, a cancel raised while the guest is diagnosed stops before the snapshot', async () =>
    withApp(async (app) => {
      const { id } = await start(app, 'corrupt-certificate', {});
      for (let i = 0; i < 400; i += 1) {
        const s = await app.http('GET', `/api/repairs/${id}`);
        if (s.body.timeline?.some((t: any) => t.step === 'guest:diagnose')) break;
        await app.emulator.step();
      }
      expect((await app.http('POST', `/api/repairs/${id}/cancel`)).status).toBe(202);
      const status = await app.followRepair(id);
      expect(status.outcome.kind).toBe('Cancelled');
      expect(status.cancelled).toMatchObject({ by: 'function key', before: 'snapshot' });
      expect(status.changes).toEqual([]);
    }));
});

describe('terminate (the unsafe fallback)', () => {
  it('the status of a terminated repair lists the changes that may be left and the undo log it had', async () =>
    withApp(async (app) => {
      const { id } = await start(app, exposedBadCert, {});
      for (let i = 0; i < 2000; i += 1) {
        const s = await app.http('GET', `/api/repairs/${id}`);
        if ((s.body.changes ?? []).length > 0) break;
        await app.emulator.step();
      }
      await app.emulator.client.terminate(id, 'operator pulled the plug');
      while (await app.emulator.step()) {
        // let the host record the termination
      }
      const status = (await app.http('GET', `/api/repairs/${id}`)).body;
      expect(status.runtimeStatus).toBe('Terminated');
      expect(status.outcome.reason).toMatch(/terminated: operator pulled the plug, so its own ending did not run/);
      expect(status.outcome.reason).toMatch(/1 change\(s\) may be left: .*securityRules\/RDP sourceAddressPrefixes/);
      expect(status.kept).toEqual([
        expect.objectContaining({ kind: 'nsgSources', why: expect.stringMatching(/^left by the termination; to undo: /) }),
      ]);
      expect(status.outcome.advice.join(' ')).toMatch(/POST \/api\/repairs\/\{id\}\/cancel/);
    }));
});

describe('npm run demo -- --approve-each', () => {
  it('prints each wait and approves it; the repair ends as without approval', async () => {
    const { runDemo, parseDemoArgs } = await import('../../src/simulator/demo');
    expect(parseDemoArgs(['--approve-each', '--via', 'alert'])).toMatchObject({ ok: false });
    const lines: string[] = [];
    const code = await runDemo(['--scenario', 'tls-disabled', '--approve-each', '--json'], (l) => lines.push(l));
    expect(code).toBe(0);
    const waits = lines.filter((l) => /WAITING for approval of /.test(l)).map((l) => /approval of (\S+)/.exec(l)?.[1]);
    expect(waits).toEqual(['guest:enable-tls', 'restartVm']);
    expect(lines.filter((l) => /\/approve \{"step":"[^"]+"\} -> 202 \(by function key\)/.test(l))).toHaveLength(2);
    expect(JSON.parse(lines[lines.length - 1]).outcome.kind).toBe('Repaired');
  });
});
