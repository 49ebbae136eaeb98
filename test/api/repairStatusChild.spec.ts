/**
 * GET /api/repairs/{id} through the real HTTP handler shows a running child's progress inside the parent's
 * status. The parent and child here are registered by this test only (the offline repair will be the first real
 * child): the parent names the child in its custom status (`runningChild`), the API looks it up.
 */
import * as df from 'durable-functions';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

const REPAIR_ID = 'rdprepair-vm-child-0123456789abcdef';

describe('GET /api/repairs/{id} with a running sub-orchestration', () => {
  let app: SimulatedRepairApp;
  beforeAll(async () => {
    app = await SimulatedRepairApp.start({ extraRegistrations: registerTestOrchestrations });
  });
  afterAll(async () => {
    await app.close();
  });

  // Registered beside the app's own registrations, into the same app's registry.
  function registerTestOrchestrations(): void {
    df.app.orchestration('TestOfflineChild', function* (context: df.OrchestrationContext) {
      for (const percent of [10, 60]) {
        context.df.setCustomStatus({ currentStep: 'copying the OS disk', percent });
        yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 120_000));
      }
      return { copied: true };
    });
    df.app.orchestration('TestOfflineParent', function* (context: df.OrchestrationContext) {
      const childId = `${context.df.instanceId}:offline:1`;
      context.df.setCustomStatus({
        repairId: context.df.instanceId,
        timeline: [],
        currentStep: 'offline',
        runningChild: { instanceId: childId, phase: 'offline' },
      });
      const result: unknown = yield context.df.callSubOrchestrator('TestOfflineChild', null, childId);
      context.df.setCustomStatus({ repairId: context.df.instanceId, timeline: [], currentStep: null });
      return { repairId: context.df.instanceId, timeline: [], child: result };
    });
  }

  it("shows the child's progress while it runs and drops it once the parent moved on", async () => {
    await app.emulator.client.startNew('TestOfflineParent', { instanceId: REPAIR_ID });
    const seen: unknown[] = [];
    let finalBody: any = null;
    for (let i = 0; i < 100; i++) {
      const response = await app.http('GET', `/api/repairs/${REPAIR_ID}`);
      expect(response.status).toBe(200);
      if (response.body.runningChild) seen.push(response.body.runningChild.progress);
      if (response.body.runtimeStatus === 'Completed') {
        finalBody = response.body;
        break;
      }
      if (!(await app.emulator.step())) break;
    }
    expect(seen).toContainEqual({ currentStep: 'copying the OS disk', percent: 10 });
    expect(seen).toContainEqual({ currentStep: 'copying the OS disk', percent: 60 });
    expect(finalBody).not.toBeNull();
    expect(finalBody.runningChild).toBeUndefined();
    expect(finalBody.child).toEqual({ copied: true });
  });
});
