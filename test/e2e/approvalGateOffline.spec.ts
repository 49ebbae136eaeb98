/**
 * Issue 17 inside the offline repair, through the HTTP API on the simulated app: the child's gates (deallocateVm,
 * swapOsDisk) approved, rejected and expired; approvals sent before the child started; duplicates; cancel before
 * the deallocation, while the copy is made, while the offline script runs, and right after the swap. The events
 * are raised by the API on the child the parent names; each case checks where the VM and its disks end up.
 */
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

type Gate = { step: string; plannedChanges: unknown[]; since: string; expiresAt: string };
type Answer = 'approve' | 'reject' | 'expire' | 'cancel' | 'approveTwice';

const alice = {
  'x-ms-client-principal': Buffer.from(JSON.stringify({ auth_typ: 'aad', claims: [] })).toString('base64'),
  'x-ms-client-principal-id': 'alice-id',
  'x-ms-client-principal-name': 'alice@contoso.com',
  'x-ms-client-principal-idp': 'aad',
};

interface Run {
  app: SimulatedRepairApp;
  id: string;
  vmId: string;
  originalId: string;
  originalBefore: string;
}

async function withRun<T>(request: Record<string, unknown>, fn: (run: Run) => Promise<T>, scenario = 'offline-only-gen2'): Promise<T> {
  const app = await SimulatedRepairApp.start({ settings: { APPROVAL_TIMEOUT_MINUTES: '30' } });
  try {
    const seeded = await app.addScenario(findScenario(scenario)!);
    const originalId = app.arm.world.vm(seeded.vmId).osDiskId!;
    const originalBefore = JSON.stringify(app.diskContents.contentOf(originalId));
    const started = await app.http('POST', '/api/repairs', { ...seeded.request, ...request });
    expect(started.status).toBe(202);
    return await fn({ app, id: started.body.id, vmId: seeded.vmId, originalId, originalBefore });
  } finally {
    await app.close();
  }
}

/** Steps the repair; at each new gate `answer` says what the operator does, at each status `onStatus` may act. */
async function follow(run: Run, answer: (gate: Gate) => Answer | null, onStatus?: (status: any) => Promise<boolean | undefined>) {
  const { app, id } = run;
  const gates: Gate[] = [];
  const responses: Array<{ status: number; body: any }> = [];
  let answered = '';
  for (let steps = 0; steps < 8000; steps += 1) {
    const current = await app.http('GET', `/api/repairs/${id}`);
    if (['Completed', 'Failed', 'Terminated'].includes(current.body.runtimeStatus)) return { status: current.body, gates, responses };
    await onStatus?.(current.body);
    const gate: Gate | null = current.body.waitingFor ?? null;
    const key = gate ? `${gate.step}@${gate.since}` : '';
    if (gate && key !== answered) {
      answered = key;
      gates.push(gate);
      const what = answer(gate);
      if (what === 'approve' || what === 'approveTwice') {
        responses.push(await app.http('POST', `/api/repairs/${id}/approve`, { step: gate.step }, alice));
        if (what === 'approveTwice') responses.push(await app.http('POST', `/api/repairs/${id}/approve`, { step: gate.step }, alice));
      } else if (what === 'reject') {
        responses.push(await app.http('POST', `/api/repairs/${id}/reject`, { step: gate.step }, alice));
      } else if (what === 'cancel') {
        responses.push(await app.http('POST', `/api/repairs/${id}/cancel`, undefined, alice));
      }
    }
    if (!(await app.emulator.step())) throw new Error(`stalled: ${app.emulator.waitingOn(id).join(', ')}`);
  }
  throw new Error('did not finish');
}

const ops = (app: SimulatedRepairApp, pattern: RegExp) =>
  app.arm
    .requests()
    .filter((r) => r.method !== 'GET' && pattern.test(`${r.operation} ${r.path}`))
    .map((r) => r.operation);

function expectOnOriginalAndRunning(run: Run) {
  const vm = run.app.arm.world.vm(run.vmId);
  expect(vm.osDiskId?.toLowerCase()).toBe(run.originalId.toLowerCase());
  expect(vm.powerState).toBe('running');
  expect(JSON.stringify(run.app.diskContents.contentOf(run.originalId))).toBe(run.originalBefore);
}

const gated = { approval: 'beforeDisruptive' };

describe('approval gates inside the offline repair', () => {
  it('waits before the deallocation and before the swap; each approved, it repairs; the audit is in the merged status', () =>
    withRun(gated, async (run) => {
      const { status, gates, responses } = await follow(run, () => 'approve');
      expect(gates.map((g) => g.step)).toEqual(['deallocateVm', 'swapOsDisk']);
      expect(JSON.stringify(gates[0].plannedChanges)).toMatch(/deallocated/);
      expect(JSON.stringify(gates[1].plannedChanges)).toMatch(/osDisk/);
      expect(responses.map((r) => r.status)).toEqual([202, 202]);
      expect(status.outcome.kind).toBe('Repaired');
      expect(status.outcome.path).toBe('offline');
      expect(status.approvals.map((a: any) => [a.decision, a.gate, a.by])).toEqual([
        ['approve', 'deallocateVm', 'alice@contoso.com (aad)'],
        ['approve', 'swapOsDisk', 'alice@contoso.com (aad)'],
      ]);
      expect(status.approvals.every((a: any) => typeof a.at === 'string' && typeof a.appliedAt === 'string')).toBe(true);
      expect(status.timeline.map((t: any) => t.step)).toEqual(expect.arrayContaining(['approval:deallocateVm', 'approval:swapOsDisk']));
    }));

  it('deallocateVm rejected: NotRepaired, the VM never stopped, nothing written', () =>
    withRun(gated, async (run) => {
      const { status } = await follow(run, () => 'reject');
      expect(status.outcome.kind).toBe('NotRepaired');
      expect(status.outcome.reason).toMatch(/rejected deallocateVm/);
      expect(ops(run.app, /deallocate|disks|virtualMachines\.update|attach/i)).toEqual([]);
      expectOnOriginalAndRunning(run);
    }));

  it('deallocateVm expired: NotRepaired, said so, nothing written', () =>
    withRun(gated, async (run) => {
      const { status } = await follow(run, () => 'expire');
      expect(status.outcome.reason).toMatch(/No approval for deallocateVm arrived within 30 minutes/);
      expect(ops(run.app, /deallocate|disks/i)).toEqual([]);
      expect(status.approvals).toEqual([expect.objectContaining({ decision: 'expired', gate: 'deallocateVm' })]);
      expectOnOriginalAndRunning(run);
    }));

  it.each([['reject'], ['expire']] as const)('swapOsDisk %s: no swap, the VM started again on its original disk', (answer) =>
    withRun(gated, async (run) => {
      const { status } = await follow(run, (gate) => (gate.step === 'swapOsDisk' ? answer : 'approve'));
      expect(status.outcome.kind).toBe('NotRepaired');
      expect(status.outcome.reason).toMatch(answer === 'reject' ? /rejected swapOsDisk/ : /No approval for swapOsDisk/);
      expect(status.outcome.reason).toMatch(/started again on its original, unchanged OS disk/);
      expect(status.artifacts.swappedAt).toBeNull();
      expect(status.undone).toEqual([expect.objectContaining({ kind: 'vmPower', what: 'deallocated the VM' })]);
      expectOnOriginalAndRunning(run);
    }),
  );

  it('approvals sent before the child started (a named step, then all) apply inside it: no wait', () =>
    withRun(gated, async (run) => {
      const early = await run.app.http('POST', `/api/repairs/${run.id}/approve`, { step: 'deallocateVm' });
      expect(early.status).toBe(202);
      expect((await run.app.http('POST', `/api/repairs/${run.id}/approve`, { step: 'swapOsDisk' })).status).toBe(202);
      const { status, gates } = await follow(run, () => null);
      expect(gates).toEqual([]);
      expect(status.outcome.kind).toBe('Repaired');
      expect(status.approvals.map((a: any) => [a.step, a.gate])).toEqual([
        ['deallocateVm', 'deallocateVm'],
        ['swapOsDisk', 'swapOsDisk'],
      ]);
      const late = await run.app.http('POST', `/api/repairs/${run.id}/approve`, { step: 'swapOsDisk' });
      expect(late.status).toBe(409);
    }));

  it('approve all before the child started passes both gates', () =>
    withRun(gated, async (run) => {
      expect((await run.app.http('POST', `/api/repairs/${run.id}/approve`, { step: 'all' })).status).toBe(202);
      const { status, gates } = await follow(run, () => null);
      expect(gates).toEqual([]);
      expect(status.outcome.kind).toBe('Repaired');
    }));

  it('a reject sent before the child started ends it before the deallocation', () =>
    withRun(gated, async (run) => {
      expect((await run.app.http('POST', `/api/repairs/${run.id}/reject`)).status).toBe(202);
      const { status } = await follow(run, () => null);
      expect(status.outcome.kind).toBe('NotRepaired');
      expect(ops(run.app, /deallocate|disks/i)).toEqual([]);
      expectOnOriginalAndRunning(run);
    }));

  it('a duplicate approval at the deallocation gate does not approve the swap', () =>
    withRun(gated, async (run) => {
      const { status, gates, responses } = await follow(run, (gate) => (gate.step === 'deallocateVm' ? 'approveTwice' : 'approve'));
      expect(gates.map((g) => g.step)).toEqual(['deallocateVm', 'swapOsDisk']);
      expect(responses.every((r) => r.status === 202)).toBe(true);
      expect(status.outcome.kind).toBe('Repaired');
      expect(status.approvals.filter((a: any) => a.gate === 'swapOsDisk').map((a: any) => a.step)).toEqual(['swapOsDisk']);
    }));
});

describe('cancel inside the offline repair', () => {
  it('at the deallocation gate: Cancelled, the VM never stopped, nothing changed by the offline path', () =>
    withRun(gated, async (run) => {
      const { status } = await follow(run, () => 'cancel');
      expect(status.outcome.kind).toBe('Cancelled');
      expect(status.cancelled).toMatchObject({ by: 'alice@contoso.com (aad)', before: 'deallocateVm' });
      expect(status.outcome.reason).toMatch(/changed nothing: the VM was never stopped/);
      expect(ops(run.app, /deallocate|disks/i)).toEqual([]);
      expectOnOriginalAndRunning(run);
    }));

  /** Without approval: cancel once the timeline shows `step` running. */
  async function cancelWhile(step: string) {
    return withRun({}, async (run) => {
      let sent: { status: number } | null = null;
      const { status } = await follow(
        run,
        () => null,
        async (current) => {
          const child = current.runningChild?.progress;
          const running = (child?.timeline ?? []).some((t: any) => t.step === step && t.status === 'running');
          if (running && !sent) sent = await run.app.http('POST', `/api/repairs/${run.id}/cancel`, undefined, alice);
          return undefined;
        },
      );
      expect(sent).toMatchObject({ status: 202 });
      return { run, status };
    });
  }

  it.each([
    ['offline:copy', 'offline:attach'],
    ['guest:offline-repair', 'swapOsDisk'],
  ])('while %s runs: stops before %s, starts the VM on its original disk, Cancelled with the deallocation undone', async (step, before) => {
    const { run, status } = await cancelWhile(step);
    expect(status.outcome.kind).toBe('Cancelled');
    expect(status.cancelled.before).toBe(before);
    expect(status.outcome.reason).toMatch(/Undone: the deallocation/);
    expect(status.outcome.reason).toMatch(/Kept: the copy/);
    expect(status.artifacts.swappedAt).toBeNull();
    expect(status.undone.map((u: any) => u.kind)).toEqual(['vmPower']);
    expect(status.kept.map((k: any) => k.what)).not.toContain('deallocated the VM');
    expectOnOriginalAndRunning(run);
  });

  it('right after the swap: the original disk is swapped back and the VM started, Cancelled saying so', async () => {
    const { run, status } = await cancelWhile('offline:swap');
    expect(status.outcome.kind).toBe('Cancelled');
    expect(status.cancelled.before).toBe('offline:start');
    expect(status.outcome.reason).toMatch(/Undone: the disk swap .* and the deallocation/);
    expect(status.undone.map((u: any) => u.kind).sort()).toEqual(['osDiskSwap', 'vmPower']);
    expectOnOriginalAndRunning(run);
  });
});

describe('delivery to the offline child', () => {
  it('named by the parent but not created yet: 503 with Retry-After, nothing delivered; once it runs, 202 to the child', () =>
    withRun({}, async (run) => {
      const answers: number[] = [];
      let retryAfter: string | undefined;
      const { status } = await follow(
        run,
        () => null,
        async (current) => {
          if (current.runningChild?.unavailable === 'not started yet' && answers.length === 0) {
            const r = await run.app.http('POST', `/api/repairs/${run.id}/cancel`);
            answers.push(r.status);
            retryAfter = r.headers['Retry-After'] ?? r.headers['retry-after'];
          } else if (current.runningChild?.runtimeStatus === 'Running' && answers.length === 1) {
            answers.push((await run.app.http('POST', `/api/repairs/${run.id}/cancel`)).status);
          }
          return undefined;
        },
      );
      expect(answers).toEqual([503, 202]);
      expect(retryAfter).toBe('2');
      expect(status.outcome.kind).toBe('Cancelled');
      expectOnOriginalAndRunning(run);
    }));
});
