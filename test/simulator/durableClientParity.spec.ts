/**
 * The emulator's client must fail and succeed exactly like durable-functions' real DurableClient. Here the REAL
 * client (df.getClient) talks over HTTP to a stub that answers with the status codes the extension's HTTP API
 * uses (404 unknown instance, 410 instance no longer running, 500 start conflict, 200/202 status JSON), and the
 * two clients' results are compared. Needs jest's moduleNameMapper for '@azure/functions-core'.
 */
import * as df from 'durable-functions';
import { DurableHostEmulator } from '../../src/simulator/durable';
import { standInRegistry } from '../../src/simulator/functionsHost';
import { VirtualClock } from '../../src/simulator/virtualClock';
import { type ExtensionStub, startExtensionStub } from '../support/durableExtensionStub';

const registry = standInRegistry();
df.app.orchestration('ParityWait', function* (context: df.OrchestrationContext) {
  context.df.setCustomStatus({ phase: 'waiting' });
  return yield context.df.waitForExternalEvent('Go');
});

interface Reply {
  status: number;
  body?: unknown;
}

let reply: (method: string, path: string) => Promise<Reply>;
let realClient: df.DurableClient;

let stub: ExtensionStub;

beforeAll(async () => {
  stub = await startExtensionStub(({ method, path }) => reply(method, path));
  realClient = stub.client;
});

afterAll(() => stub.close());

async function messageOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('emulator client vs the real DurableClient', () => {
  it('rejects the same way for unknown instances (404)', async () => {
    const emulator = new DurableHostEmulator({ registry, clock: new VirtualClock() });
    reply = async () => ({ status: 404 });
    for (const call of [
      (c: df.DurableClient | typeof emulator.client) => c.getStatus('ghost'),
      (c: df.DurableClient | typeof emulator.client) => c.raiseEvent('ghost', 'Go', 1),
      (c: df.DurableClient | typeof emulator.client) => c.terminate('ghost', 'why'),
    ]) {
      const real = await messageOf(call(realClient));
      expect(real).not.toBe('resolved');
      expect(await messageOf(call(emulator.client))).toBe(real);
    }
  });

  it('accepts raiseEvent/terminate for a finished instance silently (410)', async () => {
    const emulator = new DurableHostEmulator({ registry, clock: new VirtualClock() });
    const id = await emulator.client.startNew('ParityWait');
    await emulator.client.terminate(id, 'stop');
    await emulator.runUntilComplete(id);
    reply = async () => ({ status: 410 });
    await expect(realClient.raiseEvent(id, 'Go', 1)).resolves.toBeUndefined();
    await expect(emulator.client.raiseEvent(id, 'Go', 1)).resolves.toBeUndefined();
    await expect(realClient.terminate(id, 'again')).resolves.toBeUndefined();
    await expect(emulator.client.terminate(id, 'again')).resolves.toBeUndefined();
  });

  it('fails a conflicting startNew with the client generic error shape (500)', async () => {
    const emulator = new DurableHostEmulator({ registry, clock: new VirtualClock() });
    await emulator.client.startNew('ParityWait', { instanceId: 'dup' });
    const emulated = await messageOf(emulator.client.startNew('ParityWait', { instanceId: 'dup' }));
    const details = JSON.parse(emulated.replace(/^.*Details: /, '')) as unknown;
    reply = async (method, path) => {
      expect([method, path]).toEqual(['POST', '/durabletask/orchestrators/ParityWait/dup']);
      return { status: 500, body: details };
    };
    expect(await messageOf(realClient.startNew('ParityWait', { instanceId: 'dup' }))).toBe(emulated);
    expect(emulated).toMatch(/already exists/);
  });

  it('returns a status the real client would build from the same extension JSON', async () => {
    const emulator = new DurableHostEmulator({ registry, clock: new VirtualClock() });
    const id = await emulator.client.startNew('ParityWait', { input: { vm: 'vm1' } });
    await emulator.runUntilIdle();
    const emulated = await emulator.client.getStatus(id);
    reply = async (method, path) => {
      expect(method).toBe('GET');
      expect(path).toBe(`/durabletask/instances/${id}`);
      return { status: 202, body: emulated };
    };
    const real = await realClient.getStatus(id);
    expect(real).toEqual(emulated);
    expect(emulated).toMatchObject({ runtimeStatus: 'Running', input: { vm: 'vm1' }, output: null, customStatus: { phase: 'waiting' } });
    expect(emulated.createdTime).toBeInstanceOf(Date);
  });
});
