/**
 * The emulator client's getStatusBy (added for the concurrency limit) against durable-functions' REAL
 * DurableClient talking to a stub of the extension's instance query: same filter on the wire, pages followed
 * via x-ms-continuation-token and concatenated, and the same value (plain JSON objects with ISO date strings,
 * not DurableOrchestrationStatus instances).
 */
import type * as http from 'node:http';
import * as df from 'durable-functions';
import { DurableHostEmulator } from '../../src/simulator/durable';
import { standInRegistry } from '../../src/simulator/functionsHost';
import { VirtualClock } from '../../src/simulator/virtualClock';
import { type ExtensionStub, startExtensionStub } from '../support/durableExtensionStub';

const registry = standInRegistry();
df.app.orchestration('AlertParityWait', function* (context: df.OrchestrationContext) {
  return yield context.df.waitForExternalEvent('Go');
});

type Reply = { status: number; headers?: Record<string, string>; body?: unknown };
let reply: (path: string, headers: http.IncomingHttpHeaders) => Reply;
let realClient: df.DurableClient;

let stub: ExtensionStub;

beforeAll(async () => {
  stub = await startExtensionStub(({ path, headers }) => reply(path, headers));
  realClient = stub.client;
});

afterAll(() => stub.close());

const ACTIVE = [df.OrchestrationRuntimeStatus.Pending, df.OrchestrationRuntimeStatus.Running];

/** a, b Running; c Terminated; d Pending (started, never run); a minute apart. */
async function hubOfFour(clock: VirtualClock): Promise<DurableHostEmulator> {
  const emulator = new DurableHostEmulator({ registry, clock });
  const a = await emulator.client.startNew('AlertParityWait', { instanceId: 'a', input: { n: 1 } });
  await emulator.runUntilIdle();
  clock.advanceBy(60_000);
  const b = await emulator.client.startNew('AlertParityWait', { instanceId: 'b' });
  clock.advanceBy(60_000);
  const c = await emulator.client.startNew('AlertParityWait', { instanceId: 'c' });
  await emulator.client.terminate(c, 'done');
  await emulator.runUntilIdle();
  clock.advanceBy(60_000);
  await emulator.client.startNew('AlertParityWait', { instanceId: 'd' });
  expect([a, b, c]).toEqual(['a', 'b', 'c']);
  return emulator;
}

describe('getStatusBy: emulator vs the real DurableClient', () => {
  it('answers like the real client following two pages of the extension query', async () => {
    const emulator = await hubOfFour(new VirtualClock());
    const emulated = await emulator.client.getStatusBy({ runtimeStatus: ACTIVE });
    expect(emulated.map((s) => [s.instanceId, s.runtimeStatus])).toEqual([
      ['a', 'Running'],
      ['b', 'Running'],
      ['d', 'Pending'],
    ]);

    const seen: string[] = [];
    reply = (path, headers) => {
      seen.push(`${path} token=${headers['x-ms-continuation-token'] ?? '-'}`);
      return headers['x-ms-continuation-token'] === 'page2'
        ? { status: 200, body: emulated.slice(2) }
        : { status: 200, headers: { 'x-ms-continuation-token': 'page2' }, body: emulated.slice(0, 2) };
    };
    const real = await realClient.getStatusBy({ runtimeStatus: ACTIVE });
    expect(seen).toEqual([
      '/durabletask/instances/?runtimeStatus=Pending,Running token=-',
      '/durabletask/instances/?runtimeStatus=Pending,Running token=page2',
    ]);
    expect(real).toEqual(emulated);
    for (const status of [...real, ...emulated]) {
      expect(Object.getPrototypeOf(status)).toBe(Object.prototype);
      expect(typeof status.createdTime).toBe('string');
      expect(typeof status.lastUpdatedTime).toBe('string');
    }
    expect(emulated[0].input).toEqual({ n: 1 });
  });

  it('filters like the extension: any of the statuses, created times inclusive, no filter = all', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const emulator = await hubOfFour(clock);
    const ids = async (filter: df.OrchestrationFilter) => (await emulator.client.getStatusBy(filter)).map((s) => s.instanceId);
    expect(await ids({})).toEqual(['a', 'b', 'c', 'd']);
    expect(await ids({ runtimeStatus: [df.OrchestrationRuntimeStatus.Terminated] })).toEqual(['c']);
    expect(await ids({ runtimeStatus: [df.OrchestrationRuntimeStatus.Completed] })).toEqual([]);
    expect(await ids({ createdTimeFrom: new Date(start.getTime() + 60_000) })).toEqual(['b', 'c', 'd']);
    expect(await ids({ createdTimeTo: new Date(start.getTime() + 60_000) })).toEqual(['a', 'b']);
    expect(
      await ids({
        createdTimeFrom: new Date(start.getTime() + 60_000),
        createdTimeTo: new Date(start.getTime() + 180_000),
        runtimeStatus: ACTIVE,
      }),
    ).toEqual(['b', 'd']);
  });
});
