/**
 * SIMULATED: the simulated app behind a real HTTP server on 127.0.0.1, for `rdp-autorepair simulate` and the CLI's
 * tests: requests go to the app's real handlers (SimulatedRepairApp.http). With `functionKey`, requests without
 * that `x-functions-key` get the host's answer to a missing key, a 401 with no body (authLevel function).
 *
 * The simulation has no clock of its own: each GET of a repair's status moves it one durable step first, so a
 * client that polls sees it progress. While that repair waits at an approval gate the virtual clock is not moved
 * to the gate's expiry timer, so an operator has time to approve from another command (the gate then expires only
 * if the repair had other timers pending).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatedRepairApp } from '../simulator/simulatedRepairApp';

export interface SimulatedServer {
  url: string;
  close(): Promise<void>;
}

export interface SimulatedServerOptions {
  port?: number;
  functionKey?: string;
}

/** The origin SimulatedRepairApp.http gives the requests it hands the handlers. */
const SIMULATED_ORIGIN = 'https://rdp-autorepair.simulated';
const STATUS_ROUTE = /^\/api\/repairs\/([^/?]+)$/;
const MAX_BODY_BYTES = 64 * 1024;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startSimulatedServer(app: SimulatedRepairApp, options: SimulatedServerOptions = {}): Promise<SimulatedServer> {
  const waitingAtGate = new Set<string>();
  let origin = '';
  const server: Server = createServer((request, response) => {
    void (async () => {
      try {
        if (options.functionKey !== undefined && request.headers['x-functions-key'] !== options.functionKey) {
          response.writeHead(401).end();
          return;
        }
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const method = request.method ?? 'GET';
        const text = await readBody(request);
        const statusOf = method === 'GET' ? STATUS_ROUTE.exec(url.pathname)?.[1] : undefined;
        const id = statusOf ? decodeURIComponent(statusOf) : undefined;
        if (id) await app.emulator.step({ advanceClock: !waitingAtGate.has(id) });
        const accept = request.headers.accept;
        const answer = await app.http(method, `${url.pathname}${url.search}`, text === '' ? undefined : text, accept ? { accept } : {});
        if (id && answer.status === 200) {
          if ((answer.body as { waitingFor?: unknown } | null)?.waitingFor) waitingAtGate.add(id);
          else waitingAtGate.delete(id);
        }
        const json = (answer.headers['Content-Type'] ?? 'application/json').includes('json');
        const rawText = answer.body === null ? '' : json ? JSON.stringify(answer.body) : String(answer.body);
        // The simulated app names itself by a placeholder origin; here it is reached at this server's address.
        const payload = rawText.split(SIMULATED_ORIGIN).join(origin);
        const headers = Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k, v.split(SIMULATED_ORIGIN).join(origin)]));
        // The simulation's virtual time, as a Functions host sends its own time: the CLI measures elapsed time by it.
        const date = app.clock.now().toUTCString();
        response.writeHead(answer.status, { ...headers, Date: date, 'Content-Length': Buffer.byteLength(payload) }).end(payload);
      } catch (err) {
        response.writeHead(500, { 'Content-Type': 'text/plain' }).end(`simulated server: ${(err as Error).message}`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
