/**
 * SIMULATED network drop on loopback: makes a TCP connect to 127.0.0.1:<port> time out, the way it does
 * when an NSG or firewall silently drops the SYN.
 *
 * Loopback never drops SYNs on its own, and the kernel completes handshakes for a listening socket before
 * the program accepts. But a listening socket whose accept queue is full does drop SYNs (Linux:
 * tcp_abort_on_overflow=0, the default). So: a worker thread listens with backlog 1 and then parks its
 * event loop (Atomics.wait), so it never accepts; filler connections from this thread fill the queue;
 * every later connect gets no SYN-ACK and times out. Releasing wakes the worker, which closes the port.
 */
import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';

export interface PortBlackhole {
  /** True when connects really time out; false if this kernel kept accepting (then it only never answers). */
  dropsConnects: boolean;
  release(): Promise<void>;
}

const FILLER_LIMIT = 8;
const FILLER_WAIT_MS = 150;
const LISTEN_ATTEMPTS = 40;
const LISTEN_PAUSE_MS = 25;

// Plain JavaScript: a worker cannot load TypeScript under ts-jest, and this must not depend on dist/.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { createServer } = require('node:net');
const wake = new Int32Array(workerData.wake);
const server = createServer(() => undefined);
let attempt = 0;
const tryListen = () => {
  attempt += 1;
  server.once('error', (error) => {
    if (error.code === 'EADDRINUSE' && attempt < workerData.attempts) setTimeout(tryListen, workerData.pauseMs);
    else parentPort.postMessage({ error: String(error) });
  });
  server.listen({ host: workerData.host, port: workerData.port, backlog: 1 }, () => {
    parentPort.postMessage({ listening: true });
    Atomics.wait(wake, 0, 0);
    server.close(() => process.exit(0));
  });
};
tryListen();
`;

export async function holdPortWithoutAnswering(host: string, port: number): Promise<PortBlackhole> {
  const wake = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { host, port, wake: wake.buffer, attempts: LISTEN_ATTEMPTS, pauseMs: LISTEN_PAUSE_MS },
  });
  // A forgotten endpoint must not keep the test runner or the demo alive.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const started = await new Promise<{ listening?: true; error?: string }>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (error) => resolve({ error: String(error) }));
  });
  const wakeWorker = async (): Promise<void> => {
    // Referenced again while we wait, or a caller awaiting release() could see the process exit first.
    worker.ref();
    Atomics.store(wake, 0, 1);
    Atomics.notify(wake, 0);
    await exited;
  };
  if (started.error !== undefined) {
    await wakeWorker();
    throw new Error(`simulated network drop cannot hold ${host}:${port}: ${started.error}`);
  }

  const fillers: Socket[] = [];
  let dropsConnects = false;
  while (fillers.length < FILLER_LIMIT) {
    const filler = connect({ host, port });
    filler.unref(); // never what keeps a process alive
    filler.on('error', () => undefined); // fillers are reset when the worker closes the port
    fillers.push(filler);
    if (!(await connectsWithin(filler, FILLER_WAIT_MS))) {
      // Left pending, not destroyed: if it was only slow (a loaded machine), it still fills its slot.
      dropsConnects = true;
      break;
    }
  }
  return {
    dropsConnects,
    async release() {
      for (const filler of fillers) filler.destroy();
      await wakeWorker();
    },
  };
}

function connectsWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
