/**
 * SIMULATED RDP endpoint: a loopback listener standing in for one VM's Remote Desktop port, so the REAL
 * probe (src/rdp/probe.ts) runs against it in the demo and the end-to-end tests. It speaks real X.224 and
 * real TLS; only the choice of what to do is scripted, by behaviour:
 *
 *   healthy                 CC selecting HYBRID (SSL if only SSL was requested), TLS with a certificate valid to 2099
 *   expired-certificate     the same, with a certificate that expired on 2021-01-01
 *   reset-after-client-hello CC selecting TLS, then RST on the ClientHello: the "internal error" signature
 *   negotiation-failure-cert-not-on-server  RDP_NEG_FAILURE SSL_CERT_NOT_ON_SERVER, then FIN
 *   standard-rdp-only       RDP_NEG_RSP selecting PROTOCOL_RDP (standard RDP security), no TLS
 *   foreign-program         answers like HTTP.sys: "HTTP/1.1 400 Bad Request", then FIN
 *   refused                 not listening: a real ECONNREFUSED. The port number is kept, and any other
 *                           behaviour listens on the same port again (or on a new one if another program
 *                           took it meanwhile: the simulated app maps the VM's address at each dial).
 *   silent                  the TCP connect times out, as when an NSG drops the traffic: the probe says
 *                           unreachable / CONNECT_TIMEOUT, exactly as it would against a blocked Azure VM.
 *
 * How 'silent' times out on loopback: the kernel completes handshakes for any listening socket, so simply
 * accepting and never answering would give the probe a CONFIRM_TIMEOUT (verdict broken), which is what a
 * hung RDP service looks like, not a blocked network. rdpEndpointBlackhole.ts holds the port with a full
 * accept queue instead, so SYNs are dropped. On a kernel that does not drop SYNs when the queue is full
 * (the Linux default does) it degrades to accept-and-never-answer (PortBlackhole.dropsConnects is false).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { TpktFrameReader } from '../rdp/tpktFrameReader';
import {
  buildConnectionConfirm,
  MAX_CONFIRM_BYTES,
  parseConnectionRequest,
  PROTOCOL_HYBRID,
  PROTOCOL_RDP,
  PROTOCOL_SSL,
} from '../rdp/x224';
import { holdPortWithoutAnswering, type PortBlackhole } from './rdpEndpointBlackhole';
import { simulatedSecureContext, type SimulatedCertificate } from './rdpEndpointCertificates';

export type EndpointBehaviour =
  | 'healthy'
  | 'expired-certificate'
  | 'reset-after-client-hello'
  | 'negotiation-failure-cert-not-on-server'
  | 'standard-rdp-only'
  | 'foreign-program'
  | 'refused'
  | 'silent';

export interface SimulatedRdpEndpoint {
  /** The loopback port it answers on now: kept across behaviours, unless another program took it meanwhile. */
  readonly port: number;
  host: '127.0.0.1';
  setBehaviour(behaviour: EndpointBehaviour): Promise<void>;
  behaviour(): EndpointBehaviour;
  /** TCP connections accepted since start (a refused connection is never accepted). */
  connections(): number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const SSL_CERT_NOT_ON_SERVER = 0x03;
/** A client that connects and then sends nothing is dropped after this, so no socket outlives a test. */
const IDLE_MS = 30_000;
const RELISTEN_ATTEMPTS = 40;
const RELISTEN_PAUSE_MS = 25;

const HTTP_400 = [
  'HTTP/1.1 400 Bad Request',
  'Content-Type: text/html; charset=us-ascii',
  'Server: Microsoft-HTTPAPI/2.0',
  'Connection: close',
  'Content-Length: 20',
  '',
  '<h1>Bad Request</h1>',
].join('\r\n');

export async function startSimulatedRdpEndpoint(initial: EndpointBehaviour): Promise<SimulatedRdpEndpoint> {
  const open = new Set<Socket>();
  let current: EndpointBehaviour = initial;
  let accepted = 0;
  let server: Server | null = null;
  let blackhole: PortBlackhole | null = null;
  let closed = false;
  let queue: Promise<void> = Promise.resolve();

  const newServer = (): Server =>
    createServer((socket) => {
      accepted += 1;
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      serve(socket, current);
    });

  // Port 0 once, to be given a free port; from then on the endpoint comes back on that number while it can.
  server = newServer();
  await listen(server, 0);
  let port = boundPort(server);

  const stopServing = async (): Promise<void> => {
    if (server === null) return;
    const stopping = server;
    server = null;
    await stopListening(stopping, open);
  };
  const stopDropping = async (): Promise<void> => {
    if (blackhole === null) return;
    const releasing = blackhole;
    blackhole = null;
    await releasing.release();
  };
  const apply = async (next: EndpointBehaviour): Promise<void> => {
    if (closed) throw new Error('simulated RDP endpoint is closed');
    current = next;
    if (next === 'refused') {
      await stopServing();
      await stopDropping();
    } else if (next === 'silent') {
      await stopServing();
      if (blackhole === null) blackhole = await holdPortWithoutAnswering(HOST, port);
    } else {
      await stopDropping();
      if (server === null) {
        server = await listenAgain(newServer, port);
        // Taken for good by another program while it was released (the number is from the kernel's ephemeral
        // range): the endpoint moves. Nothing outside sees it: the simulated app maps the VM's address to
        // `port` at each dial, so the product still dials the VM's own address and port.
        port = boundPort(server);
      }
    }
  };
  await apply(initial);

  return {
    get port() {
      return port;
    },
    host: HOST,
    behaviour: () => current,
    connections: () => accepted,
    setBehaviour(next) {
      // Serialised: two quick switches must not race two listens on one port.
      const step = queue.then(() => apply(next));
      queue = step.catch(() => undefined);
      return step;
    },
    close() {
      const step = queue.then(async () => {
        if (closed) return;
        closed = true;
        await stopServing();
        await stopDropping();
        for (const socket of open) socket.destroy();
      });
      queue = step.catch(() => undefined);
      return step;
    },
  };
}

function serve(socket: Socket, behaviour: EndpointBehaviour): void {
  socket.on('error', () => undefined); // clients (the probe) reset connections on purpose
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  if (behaviour === 'silent' || behaviour === 'refused') {
    // Only reached in the instant of a switch, before the listener is handed over or closed.
    socket.destroy();
    return;
  }
  if (behaviour === 'foreign-program') {
    socket.once('data', () => socket.end(HTTP_400));
    return;
  }
  const reader = new TpktFrameReader(MAX_CONFIRM_BYTES);
  const onData = (chunk: Buffer): void => {
    const state = reader.push(chunk);
    if (state.kind === 'incomplete') return;
    socket.removeListener('data', onData);
    if (state.kind !== 'frame') {
      socket.destroy();
      return;
    }
    const request = parseConnectionRequest(state.frame);
    if (request.kind === 'invalid') {
      socket.destroy();
      return;
    }
    answer(socket, behaviour, request.requestedProtocols);
  };
  socket.on('data', onData);
}

function answer(socket: Socket, behaviour: Exclude<EndpointBehaviour, 'silent' | 'foreign-program' | 'refused'>, requested: number): void {
  if (behaviour === 'negotiation-failure-cert-not-on-server') {
    socket.end(buildConnectionConfirm({ kind: 'failure', code: SSL_CERT_NOT_ON_SERVER }));
    return;
  }
  if (behaviour === 'standard-rdp-only') {
    socket.write(buildConnectionConfirm({ kind: 'selected', selectedProtocol: PROTOCOL_RDP }));
    return;
  }
  // Like Windows with NLA on: HYBRID when offered. Both start with the same TLS handshake.
  const selected = (requested & PROTOCOL_HYBRID) !== 0 ? PROTOCOL_HYBRID : PROTOCOL_SSL;
  if ((requested & (PROTOCOL_HYBRID | PROTOCOL_SSL)) === 0) {
    socket.end(buildConnectionConfirm({ kind: 'failure', code: 0x01 /* SSL_REQUIRED_BY_SERVER */ }));
    return;
  }
  socket.write(buildConnectionConfirm({ kind: 'selected', selectedProtocol: selected }));
  if (behaviour === 'reset-after-client-hello') {
    socket.once('data', () => socket.resetAndDestroy());
    return;
  }
  const certificate: SimulatedCertificate = behaviour === 'expired-certificate' ? 'expired' : 'valid';
  const tls = new TLSSocket(socket, { isServer: true, secureContext: simulatedSecureContext(certificate) });
  tls.on('error', () => tls.destroy());
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host: HOST, port }, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
}

function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulated RDP endpoint has no TCP address');
  return address.port;
}

/**
 * Another process may hold the number for a moment (a test's own probe socket closing); retry briefly, then take
 * a fresh number (port 0) rather than fail: on a busy machine another test's socket can keep it for good.
 */
async function listenAgain(newServer: () => Server, port: number): Promise<Server> {
  for (let attempt = 1; ; attempt += 1) {
    const server = newServer();
    const wanted = attempt > RELISTEN_ATTEMPTS ? 0 : port;
    try {
      await listen(server, wanted);
      return server;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' || wanted === 0) {
        throw new Error(`simulated RDP endpoint cannot listen on ${HOST}:${wanted} again: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, RELISTEN_PAUSE_MS));
    }
  }
}

/** A stopped service drops its connections too; server.close() alone would wait for them. */
function stopListening(server: Server, open: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of open) socket.destroy();
  });
}
