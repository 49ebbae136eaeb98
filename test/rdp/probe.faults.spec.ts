/**
 * The real probe against loopback listeners that reproduce each failure on the wire. Every listener is
 * closed in afterEach; every case runs with short stage timeouts so the suite stays fast.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { RdpProbeResult } from '../../src/domain/rdpProbe';
import { probeRdp, type ProbeOptions } from '../../src/rdp/probe';
import { buildConnectionConfirm, parseConnectionRequest, PROTOCOL_HYBRID, PROTOCOL_SSL } from '../../src/rdp/x224';
import { holdPortWithoutAnswering } from '../../src/simulator/rdpEndpointBlackhole';
import { fixture } from './support/fixtures';
import { closedPort, onConnectionRequest, sleep, startFaultListener, type FaultListener } from './support/faultListener';

/**
 * Generous where the listener answers (a loaded 2-core machine can take a second to schedule it), short only
 * where the timeout itself is what a test is about.
 */
const QUICK = { connectTimeoutMs: 3000, confirmTimeoutMs: 3000, tlsTimeoutMs: 3000 } as const;
const SHORT = { confirmTimeoutMs: 300, tlsTimeoutMs: 300 } as const;
const NOW = () => new Date('2026-01-05T03:00:00Z');
const selectSsl = buildConnectionConfirm({ kind: 'selected', selectedProtocol: PROTOCOL_SSL });
const alert80 = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 80]);
const validContext = createSecureContext({ cert: fixture('valid-cert.pem'), key: fixture('valid-key.pem') });

let listeners: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(listeners.map((listener) => listener.close()));
  listeners = [];
});

async function listen(onConnection: (socket: Socket) => void): Promise<FaultListener> {
  const listener = await startFaultListener(onConnection);
  listeners.push(listener);
  return listener;
}

/** Answers the Connection Request with `confirm`, then does `after` with the next bytes from the client. */
async function listenConfirmThen(confirm: Buffer, after: (socket: Socket, clientBytes: Buffer) => void): Promise<FaultListener> {
  return listen((socket) =>
    onConnectionRequest(socket, () => {
      socket.write(confirm);
      socket.once('data', (bytes: Buffer) => after(socket, bytes));
    }),
  );
}

function probe(port: number, options: Partial<ProbeOptions> = {}): Promise<RdpProbeResult> {
  return probeRdp({ host: '127.0.0.1', port, ...QUICK, now: NOW, ...options });
}

function serveTls(socket: Socket, options: ConstructorParameters<typeof TLSSocket>[1] = { secureContext: validContext }): void {
  const tls = new TLSSocket(socket, { isServer: true, ...options });
  tls.on('error', () => tls.destroy());
}

describe('probe against fault listeners: the "internal error" signatures', () => {
  it('RST after the ClientHello -> broken, RESET_AFTER_CLIENT_HELLO', async () => {
    const listener = await listenConfirmThen(selectSsl, (socket) => socket.resetAndDestroy());
    const result = await probe(listener.port);
    expect(result).toMatchObject({
      verdict: 'broken',
      ok: false,
      stage: 'tls',
      selectedProtocol: 'SSL',
      error: 'RESET_AFTER_CLIENT_HELLO',
      tlsVersion: null,
    });
    expect(result.reason).toMatch(/reset the connection .*"An internal error has occurred" signature/);
  });

  it('FIN after the ClientHello -> broken, CLOSED_AFTER_CLIENT_HELLO', async () => {
    const listener = await listenConfirmThen(selectSsl, (socket) => socket.end());
    expect(await probe(listener.port)).toMatchObject({ verdict: 'broken', stage: 'tls', error: 'CLOSED_AFTER_CLIENT_HELLO' });
  });

  it('TLS alert 80 (internal_error) instead of a ServerHello -> broken, TLS_ALERT_80', async () => {
    const listener = await listenConfirmThen(selectSsl, (socket) => socket.end(alert80));
    const result = await probe(listener.port);
    expect(result).toMatchObject({ verdict: 'broken', stage: 'tls', error: 'TLS_ALERT_80' });
    expect(result.reason).toMatch(/alert 80 \(internal_error\)/);
  });

  it('FIN right behind the Connection Confirm, before any ClientHello -> broken, not a hang', async () => {
    const listener = await listen((socket) => onConnectionRequest(socket, () => socket.end(selectSsl)));
    const result = await probe(listener.port, { tlsTimeoutMs: 5000 });
    expect(result).toMatchObject({ verdict: 'broken', stage: 'tls', error: 'CLOSED_AFTER_CLIENT_HELLO' });
    expect(result.elapsedMs).toBeLessThan(2500);
  });

  it('an alert in the same segment as the Connection Confirm still reaches the TLS stage', async () => {
    const listener = await listen((socket) => onConnectionRequest(socket, () => socket.write(Buffer.concat([selectSsl, alert80]))));
    expect(await probe(listener.port)).toMatchObject({ verdict: 'broken', stage: 'tls', error: 'TLS_ALERT_80' });
  });
});

describe('probe against fault listeners: not RDP, or RDP that lies', () => {
  it('never answering the Connection Request -> broken, CONFIRM_TIMEOUT after the confirm timeout', async () => {
    const listener = await listen(() => undefined);
    const result = await probe(listener.port, SHORT);
    expect(result).toMatchObject({ verdict: 'broken', stage: 'x224', error: 'CONFIRM_TIMEOUT' });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(290);
    expect(result.elapsedMs).toBeLessThan(1500);
  });

  it('an HTTP server on the port -> broken, NOT_RDP naming HTTP', async () => {
    const http: HttpServer = createHttpServer((_request, response) => response.end('hello'));
    await new Promise<void>((resolve) => http.listen({ host: '127.0.0.1', port: 0 }, resolve));
    listeners.push({
      close: () =>
        new Promise<void>((resolve) => {
          http.closeAllConnections();
          http.close(() => resolve());
        }),
    });
    const address = http.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const result = await probe(port);
    expect(result).toMatchObject({ verdict: 'broken', stage: 'x224', error: 'NOT_RDP' });
    expect(result.reason).toMatch(/^another program owns the port: .*an HTTP server \("HTTP\/1\.1 400 Bad Request"\)/);
  });

  it('a truncated Connection Confirm followed by FIN -> broken, TRUNCATED_CONFIRM', async () => {
    const listener = await listen((socket) => onConnectionRequest(socket, () => socket.end(selectSsl.subarray(0, 10))));
    const result = await probe(listener.port);
    expect(result).toMatchObject({ verdict: 'broken', stage: 'x224', error: 'TRUNCATED_CONFIRM' });
    expect(result.reason).toMatch(/after 10 of 19 bytes/);
  });

  it('a TPKT length larger than what is sent -> broken, CONFIRM_TIMEOUT naming the shortfall', async () => {
    const lying = Buffer.from(selectSsl);
    lying.writeUInt16BE(256, 2);
    const listener = await listen((socket) => onConnectionRequest(socket, () => socket.write(lying)));
    const result = await probe(listener.port, SHORT);
    expect(result).toMatchObject({ verdict: 'broken', stage: 'x224', error: 'CONFIRM_TIMEOUT' });
    expect(result.reason).toMatch(/19 of 256 bytes/);
  });

  it('a TPKT length smaller than the X.224 header says -> broken, MALFORMED_CONFIRM', async () => {
    const lying = Buffer.from(selectSsl);
    lying.writeUInt16BE(15, 2);
    const listener = await listen((socket) => onConnectionRequest(socket, () => socket.write(lying)));
    const result = await probe(listener.port, { confirmTimeoutMs: 5000 });
    expect(result).toMatchObject({ verdict: 'broken', stage: 'x224', error: 'MALFORMED_CONFIRM' });
    expect(result.reason).toMatch(/TPKT length 15 disagrees with the X\.224 length indicator 14/);
    expect(result.elapsedMs).toBeLessThan(2500);
  });

  it('an oversized TPKT length -> broken at once, without waiting for 65535 bytes', async () => {
    const listener = await listen((socket) => onConnectionRequest(socket, () => socket.write(Buffer.from([3, 0, 0xff, 0xff, 0x0e, 0xd0]))));
    const result = await probe(listener.port, { confirmTimeoutMs: 5000 });
    expect(result).toMatchObject({ verdict: 'broken', stage: 'x224', error: 'MALFORMED_CONFIRM' });
    expect(result.reason).toMatch(/TPKT length 65535/);
    expect(result.elapsedMs).toBeLessThan(2500);
  });

  it('random bytes, in random pieces -> a broken verdict with a reason every time, never an exception', async () => {
    let seed = 0x2f6b1d;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const replies = Array.from({ length: 40 }, (_, index) => {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
      // Every fourth reply starts like TPKT, so the frame parser sees garbage too, not only the first-byte check.
      if (index % 4 === 0 && bytes.length > 4) bytes.set([3, 0, 0, Math.min(bytes.length, 19)], 0);
      return bytes;
    });
    const results = await Promise.all(
      replies.map(async (reply) => {
        const listener = await listen((socket) =>
          onConnectionRequest(socket, async () => {
            for (let offset = 0; offset < reply.length; offset += 7) {
              socket.write(reply.subarray(offset, offset + 7));
              await sleep(1);
            }
            socket.end();
          }),
        );
        return probe(listener.port);
      }),
    );
    for (const result of results) {
      expect(result.verdict).toBe('broken');
      expect(result.reason.length).toBeGreaterThan(20);
      expect(result.error).toMatch(
        /^(NOT_RDP|MALFORMED_CONFIRM|TRUNCATED_CONFIRM|NOT_TLS|DISCONNECT_AFTER_CLIENT_HELLO|CLOSED_AFTER_CLIENT_HELLO|STANDARD_RDP_ONLY|NEGOTIATION_FAILURE|UNEXPECTED_PROTOCOL)$/,
      );
    }
  });

  it('a Connection Confirm that arrives one byte at a time, then real TLS -> healthy', async () => {
    const listener = await listen((socket) =>
      onConnectionRequest(socket, async () => {
        const confirm = buildConnectionConfirm({ kind: 'selected', selectedProtocol: PROTOCOL_HYBRID });
        for (const byte of confirm.subarray(0, -1)) {
          socket.write(Buffer.from([byte]));
          await sleep(2);
        }
        // TLS takes the socket in the same tick as the last byte: the ClientHello follows at once.
        socket.write(confirm.subarray(-1));
        serveTls(socket);
      }),
    );
    const result = await probe(listener.port, { confirmTimeoutMs: 2000, tlsTimeoutMs: 2000 });
    expect(result).toMatchObject({ verdict: 'healthy', ok: true, stage: 'done', selectedProtocol: 'HYBRID', error: null });
    expect(result.certificate).toMatchObject({
      subject: 'CN=rdp-probe-test-valid',
      fingerprint: 'CAF6A165F97473E73A393C742E4C4F31C5C3B7F4',
      expired: false,
    });
  });
});

describe('probe against fault listeners: negotiation and TLS versions', () => {
  it('RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER -> broken, with the code named', async () => {
    const listener = await listen((socket) =>
      onConnectionRequest(socket, () => socket.end(buildConnectionConfirm({ kind: 'failure', code: 2 }))),
    );
    expect(await probe(listener.port)).toMatchObject({
      verdict: 'broken',
      stage: 'x224',
      error: 'NEGOTIATION_FAILURE',
      negotiationFailure: 'SSL_NOT_ALLOWED_BY_SERVER',
    });
  });

  it('the 11-byte reply of a server that ignores negotiation -> broken, STANDARD_RDP_ONLY', async () => {
    const listener = await listen((socket) => onConnectionRequest(socket, () => socket.write(buildConnectionConfirm({ kind: 'legacy' }))));
    expect(await probe(listener.port)).toMatchObject({
      verdict: 'broken',
      stage: 'x224',
      error: 'STANDARD_RDP_ONLY',
      selectedProtocol: 'RDP',
    });
  });

  it('a server that selects TLS and then never answers the ClientHello -> broken, TLS_TIMEOUT', async () => {
    const listener = await listenConfirmThen(selectSsl, () => undefined);
    const result = await probe(listener.port, SHORT);
    expect(result).toMatchObject({ verdict: 'broken', stage: 'tls', error: 'TLS_TIMEOUT' });
    expect(result.elapsedMs).toBeLessThan(1500);
  });

  it('a server that only speaks TLS 1.0 -> broken after the legacy retry, LEGACY_TLS_ONLY', async () => {
    const listener = await listen((socket) =>
      onConnectionRequest(socket, () => {
        socket.write(selectSsl);
        serveTls(socket, {
          secureContext: createSecureContext({
            cert: fixture('valid-cert.pem'),
            key: fixture('valid-key.pem'),
            minVersion: 'TLSv1',
            maxVersion: 'TLSv1',
            ciphers: 'DEFAULT:@SECLEVEL=0',
          }),
        });
      }),
    );
    const result = await probe(listener.port, { tlsTimeoutMs: 2000 });
    expect(result).toMatchObject({ verdict: 'broken', stage: 'done', tlsVersion: 'TLSv1', error: 'LEGACY_TLS_ONLY' });
    expect(listener.connections()).toBe(2);
  });

  it('sends SSL|HYBRID and the mstshash cookie in the Connection Request', async () => {
    const requests: Buffer[] = [];
    const listener = await listen((socket) =>
      onConnectionRequest(socket, (request) => {
        requests.push(request);
        socket.end();
      }),
    );
    await probe(listener.port, { mstshashCookie: 'probe' });
    expect(requests.map(parseConnectionRequest)).toEqual([
      { kind: 'request', requestedProtocols: PROTOCOL_SSL | PROTOCOL_HYBRID, cookie: 'mstshash=probe' },
    ]);
  });
});

/** What the server side of a completed TLS handshake saw until its socket closed. */
interface ServerView {
  secure: boolean;
  /**
   * The TLS stream ended before the connection closed. Node ends it on close_notify and on a bare FIN alike;
   * the xrdp tests tell the two apart (OpenSSL 3 logs "unexpected eof" for a FIN without close_notify).
   */
  ended: boolean;
  errors: string[];
}

/** Selects SSL, serves TLS limited to `version`, and reports what the server saw once its socket closed. */
async function watchedTlsServer(
  version: 'TLSv1.2' | 'TLSv1.3',
  options: { answerGoodbye: boolean },
): Promise<{ port: number; seen: Promise<ServerView> }> {
  let report: (view: ServerView) => void = () => undefined;
  const seen = new Promise<ServerView>((resolve) => (report = resolve));
  const listener = await startFaultListener(
    (socket) =>
      onConnectionRequest(socket, () => {
        socket.write(selectSsl);
        const view: ServerView = { secure: false, ended: false, errors: [] };
        const tls = new TLSSocket(socket, {
          isServer: true,
          secureContext: createSecureContext({
            cert: fixture('valid-cert.pem'),
            key: fixture('valid-key.pem'),
            minVersion: version,
            maxVersion: version,
          }),
        });
        tls.on('secure', () => (view.secure = true));
        tls.on('end', () => {
          view.ended = true;
          if (options.answerGoodbye) tls.end();
        });
        tls.on('error', (error: NodeJS.ErrnoException) => view.errors.push(error.code ?? error.message));
        socket.on('close', () => report(view));
      }),
    { allowHalfOpen: !options.answerGoodbye },
  );
  listeners.push(listener);
  return { port: listener.port, seen };
}

describe('probe: leaves a healthy server like a client that connected and left', () => {
  it.each<['TLSv1.2' | 'TLSv1.3']>([['TLSv1.2'], ['TLSv1.3']])(
    '%s: the server completes its handshake (TLS 1.3: the client Finished arrives), then the connection ends cleanly',
    async (version) => {
      const server = await watchedTlsServer(version, { answerGoodbye: true });
      const result = await probe(server.port, { tlsTimeoutMs: 2000 });
      expect(result).toMatchObject({ verdict: 'healthy', tlsVersion: version });
      // The probe returns after the server closed: its view is complete by then.
      expect(await server.seen).toEqual({ secure: true, ended: true, errors: [] });
    },
  );

  it('a server that never answers the goodbye holds the probe no longer than the close grace', async () => {
    const server = await watchedTlsServer('TLSv1.3', { answerGoodbye: false });
    const result = await probe(server.port, { tlsTimeoutMs: 3000 });
    expect(result).toMatchObject({ verdict: 'healthy', tlsVersion: 'TLSv1.3' });
    // The grace is 1 s (capped by the TLS timeout).
    expect(result.elapsedMs).toBeGreaterThanOrEqual(990);
    expect(result.elapsedMs).toBeLessThan(3000);
  });
});

describe('probe: a probe that fails itself is inconclusive, never broken', () => {
  afterEach(() => jest.restoreAllMocks());

  it('X509Certificate without validFromDate (as on Node 20) -> inconclusive PROBE_ERROR, not a rejection', async () => {
    const { X509Certificate } = await import('node:crypto');
    jest.spyOn(X509Certificate.prototype, 'validFromDate', 'get').mockReturnValue(undefined as unknown as Date);
    const listener = await listen((socket) =>
      onConnectionRequest(socket, () => {
        socket.write(selectSsl);
        serveTls(socket);
      }),
    );
    const result = await probe(listener.port, { tlsTimeoutMs: 2000 });
    expect(result).toMatchObject({ verdict: 'inconclusive', ok: false, error: 'PROBE_ERROR', certificate: null });
    expect(result.reason).toMatch(/^the probe could not judge: it failed itself \(.*toISOString.*\); this says nothing about the server$/);
  });

  it('a TLS client that throws while reading the handshake -> inconclusive, and no uncaught exception', async () => {
    const { TLSSocket: ClientTlsSocket } = await import('node:tls');
    jest.spyOn(ClientTlsSocket.prototype, 'getPeerX509Certificate').mockImplementation(() => {
      throw new Error('certificate unreadable');
    });
    const listener = await listen((socket) =>
      onConnectionRequest(socket, () => {
        socket.write(selectSsl);
        serveTls(socket);
      }),
    );
    const result = await probe(listener.port, { tlsTimeoutMs: 2000 });
    expect(result).toMatchObject({ verdict: 'inconclusive', error: 'PROBE_ERROR' });
    expect(result.reason).toMatch(/certificate unreadable/);
  });
});

describe('probe: unreachable and bad options', () => {
  it('nothing listening -> unreachable, ECONNREFUSED', async () => {
    expect(await probe(await closedPort())).toMatchObject({ verdict: 'unreachable', stage: 'tcp', error: 'ECONNREFUSED', ok: false });
  });

  it('a name that does not resolve -> unreachable at the TCP stage', async () => {
    const result = await probe(3389, { host: 'no-such-vm.invalid' });
    expect(result).toMatchObject({ verdict: 'unreachable', stage: 'tcp' });
    expect(result.error).toMatch(/^(ENOTFOUND|EAI_AGAIN|EAI_FAIL|EAI_NONAME|CONNECT_TIMEOUT)$/);
  });

  it('SYNs dropped -> unreachable, CONNECT_TIMEOUT after the connect timeout', async () => {
    const port = await closedPort();
    const blackhole = await holdPortWithoutAnswering('127.0.0.1', port);
    listeners.push({ close: () => blackhole.release() });
    expect(blackhole.dropsConnects).toBe(true);
    const result = await probe(port, { connectTimeoutMs: 300 });
    expect(result).toMatchObject({ verdict: 'unreachable', stage: 'tcp', error: 'CONNECT_TIMEOUT' });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(290);
    expect(result.elapsedMs).toBeLessThan(1500);
  });

  it.each<[string, Partial<ProbeOptions>, RegExp]>([
    ['port 0', { port: 0 }, /port 0 is not a TCP port/],
    ['port 70000', { port: 70000 }, /port 70000/],
    ['an empty host', { host: '' }, /host must be/],
    ['a negative timeout', { tlsTimeoutMs: -1 }, /tlsTimeoutMs must be/],
    ['NaN timeout', { connectTimeoutMs: Number.NaN }, /connectTimeoutMs must be/],
    ['a cookie with CRLF', { mstshashCookie: 'a\r\nb' }, /mstshashCookie/],
    ['a negative warning window', { expiryWarningDays: -1 }, /expiryWarningDays/],
  ])('%s -> a result, not a rejection', async (_name, options, reason) => {
    const result = await probe(3389, options);
    expect(result).toMatchObject({ verdict: 'inconclusive', stage: 'tcp', error: 'INVALID_OPTIONS' });
    expect(result.reason).toMatch(reason);
  });

  it('a throwing clock is an inconclusive PROBE_ERROR result, not a rejection', async () => {
    const listener = await listen((socket) =>
      onConnectionRequest(socket, () => {
        socket.write(selectSsl);
        serveTls(socket);
      }),
    );
    const result = await probe(listener.port, {
      now: () => {
        throw new Error('clock broke');
      },
      tlsTimeoutMs: 2000,
    });
    expect(result).toMatchObject({ verdict: 'inconclusive', error: 'PROBE_ERROR', ok: false });
    expect(result.reason).toMatch(/clock broke/);
  });
});
