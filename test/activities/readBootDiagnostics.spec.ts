/**
 * readBootDiagnostics and the bounded tail download against the simulated ARM and its blob store: the SDK asks
 * retrieveBootDiagnosticsData, the serial log is read with a suffix Range through the injected fetcher, the size
 * and the time are bounded whatever the server does, and no SAS URL leaves the activity, not even in an error.
 */
import { runActivity } from '../../src/activities';
import type { ActivityDeps } from '../../src/activities/deps';
import { type BlobFetcher, readBlobTail, SERIAL_LOG_TAIL } from '../../src/activities/serialLogTail';
import type { BootDiagnosticsReading } from '../../src/domain/bootDiagnostics';
import { attachSimulatedGuest, SimulatedWindowsGuest } from '../../src/simulator/guest';
import { standardWorld, type StandardWorld } from '../fixtures/arm/standardWorld';
import { armActivityDeps } from '../support/armActivityDeps';

let w: StandardWorld;
let fetched: Array<{ url: string; headers: Record<string, string> }>;

function deps(blobFetch?: BlobFetcher): ActivityDeps {
  const simulated = w.arm.blobFetcher();
  return armActivityDeps(w.clients, () => w.arm.clock.now(), {
    blobFetch:
      blobFetch ??
      ((url, init) => {
        fetched.push({ url, headers: init.headers });
        return simulated(url, init);
      }),
  });
}

async function read(blobFetch?: BlobFetcher): Promise<BootDiagnosticsReading> {
  const result = await runActivity('readBootDiagnostics', { vmId: w.web01.vm.id }, deps(blobFetch));
  if (!result.ok) throw new Error(`${result.failure.code}: ${result.failure.message}`);
  return result.value;
}

beforeEach(() => {
  w = standardWorld();
  fetched = [];
});

describe('readBootDiagnostics', () => {
  it('reads the tail of a booted guest with a suffix Range and says a screenshot exists, without any URL in its result', async () => {
    attachSimulatedGuest(w.arm, w.web01.vm.id, new SimulatedWindowsGuest({ boot: 'booted' }));
    const reading = await read();
    expect(reading).toMatchObject({ enabled: true, storage: 'managed', screenshotAvailable: true, guest: { boot: { state: 'booted' } } });
    expect(reading.serialLog).toMatchObject({ read: true, truncated: false });
    expect(fetched).toHaveLength(1);
    expect(fetched[0]!.headers.Range).toBe(`bytes=-${SERIAL_LOG_TAIL.maxBytes}`);
    const text = JSON.stringify(reading);
    for (const url of w.arm.bootDiagnostics.issuedUrls) expect(text).not.toContain(new URL(url).searchParams.get('sig')!);
    expect(text).not.toContain('blob.core.windows.net');
    // The SAS lives minutes, not the API's default two hours.
    const expiry = new URL(w.arm.bootDiagnostics.issuedUrls[0]!).searchParams.get('se')!;
    expect(Date.parse(expiry) - w.arm.clock.nowMs()).toBeLessThanOrEqual(5 * 60_000);
  });

  it('names a stop code from the serial log', async () => {
    attachSimulatedGuest(w.arm, w.web01.vm.id, new SimulatedWindowsGuest({ boot: { bugcheck: '0xEF' } }));
    expect((await read()).guest.boot).toEqual({ state: 'stopError', stopCode: '0x000000EF', stopName: 'CRITICAL_PROCESS_DIED' });
  });

  it('an empty log (no guest wrote anything) is no output, read', async () => {
    const reading = await read();
    expect(reading.guest.boot).toEqual({ state: 'noOutput' });
    expect(reading.serialLog).toEqual({ read: true, bytes: 0, truncated: false });
    expect(reading.screenshotAvailable).toBe(false);
  });

  it('a refused retrieveBootDiagnosticsData is a reading that says so, not the end of the repair', async () => {
    w.arm.faults.inject({ operation: 'virtualMachines.retrieveBootDiagnosticsData', status: 403 });
    const reading = await read();
    expect(reading.serialLog).toEqual({ read: false, reason: expect.stringContaining('403 AuthorizationFailed') });
    expect(reading.guest.boot.state).toBe('noOutput');
  });

  it('a download error never quotes the URL', async () => {
    const leaky: BlobFetcher = async (url) => {
      throw new TypeError(`fetch failed for ${url}`);
    };
    const reading = await read(leaky);
    expect(reading.serialLog).toEqual({ read: false, reason: 'serial log not read: the download failed (TypeError)' });
  });
});

describe('readBlobTail', () => {
  const url = 'https://example.blob.core.windows.net/c/vm.serialconsole.log?sig=secret';

  it('keeps only the last maxBytes when the server ignores Range and sends everything', async () => {
    const big = `${'x'.repeat(200_000)}\r\nSAC>\r\nEVENT: The CMD command is now available.\r\nSAC>`;
    const ignoresRange: BlobFetcher = async () => new Response(big, { status: 200 });
    const tail = await readBlobTail(ignoresRange, url, { maxBytes: 1024, timeoutMs: 1000 });
    expect(tail).toMatchObject({ kind: 'read', bytes: 1024, truncated: true });
    expect(tail.kind === 'read' && tail.text.endsWith('SAC>')).toBe(true);
  });

  it('reports a longer blob as truncated from Content-Range', async () => {
    const partial: BlobFetcher = async () => new Response('abc', { status: 206, headers: { 'content-range': 'bytes 99997-99999/100000' } });
    expect(await readBlobTail(partial, url)).toEqual({ kind: 'read', text: 'abc', bytes: 3, truncated: true });
  });

  it('gives up after timeoutMs on a server that never answers', async () => {
    const hangs: BlobFetcher = (_u, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    expect(await readBlobTail(hangs, url, { maxBytes: 1024, timeoutMs: 50 })).toEqual({ kind: 'failed', reason: 'no answer within 50 ms' });
  });

  it('gives up after timeoutMs on a body that never ends', async () => {
    const trickles: BlobFetcher = async () =>
      new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('SAC>')) }), { status: 206 });
    expect(await readBlobTail(trickles, url, { maxBytes: 1024, timeoutMs: 50 })).toEqual({
      kind: 'failed',
      reason: 'no answer within 50 ms',
    });
  });

  it.each([
    [404, { kind: 'empty' }],
    [416, { kind: 'empty' }],
    [403, { kind: 'failed', reason: 'the storage service answered 403 AuthenticationFailed' }],
  ])('answers %s as %j', async (status, expected) => {
    const answer: BlobFetcher = async () => new Response('<Error/>', { status, headers: { 'x-ms-error-code': 'AuthenticationFailed' } });
    expect(await readBlobTail(answer, url)).toEqual(expected);
  });

  it('an expired SAS from the simulated store is refused', async () => {
    attachSimulatedGuest(w.arm, w.web01.vm.id, new SimulatedWindowsGuest({ boot: 'booted' }));
    const vm = w.arm.world.store.virtualMachines.get(w.web01.vm.id)!;
    const issued = w.arm.bootDiagnostics.issue(vm, 1);
    w.arm.clock.advanceBy(2 * 60_000);
    expect(await readBlobTail(w.arm.blobFetcher(), issued.serialConsoleLogBlobUri)).toEqual({
      kind: 'failed',
      reason: 'the storage service answered 403 AuthenticationFailed',
    });
  });
});
