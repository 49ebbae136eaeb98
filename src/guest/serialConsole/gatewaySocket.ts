/**
 * The websocket to the serial console gateway, with the `ws` package (Node 22's global WebSocket cannot report
 * the HTTP status of a refused upgrade, which is how the gateway says no, and cannot be given a connect timeout).
 * The app's ARM token goes in the `authorization` query parameter, as the Azure CLI's serial-console extension
 * sends it. Only wss:// is dialled, except to a loopback address (the simulated gateway in tests).
 */
import WebSocket from 'ws';
import type { ConsoleStream, StreamEnd } from './consoleStream';

/** How long a close waits for the gateway's close frame before the socket is dropped. */
const CLOSE_WAIT_MS = 2000;

export type SocketOpening = { ok: true; stream: ConsoleStream } | { ok: false; refused: boolean; detail: string };

export async function openGatewaySocket(connectionString: string, token: string, timeoutMs: number): Promise<SocketOpening> {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return { ok: false, refused: false, detail: 'the connect call returned a connection string that is not a URL' };
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
  if (url.protocol !== 'wss:' && !(url.protocol === 'ws:' && loopback)) {
    return { ok: false, refused: false, detail: `the gateway's address is not wss:// (${url.protocol}); the token is not sent there` };
  }
  url.searchParams.set('authorization', token);
  const socket = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
  return new Promise<SocketOpening>((resolve) => {
    let settled = false;
    const settle = (opening: SocketOpening): void => {
      if (settled) return;
      settled = true;
      resolve(opening);
    };
    socket.once('unexpected-response', (_request, response) => {
      settle({ ok: false, refused: true, detail: `the gateway answered HTTP ${response.statusCode ?? '?'} to the websocket upgrade` });
      socket.terminate();
    });
    socket.once('error', (err) => settle({ ok: false, refused: true, detail: `the websocket failed: ${err.message}` }));
    socket.once('close', (code, reason) =>
      settle({
        ok: false,
        refused: true,
        detail: `the gateway closed the websocket at once (code ${code}${reason.length ? `: ${reason}` : ''})`,
      }),
    );
    socket.once('open', () => settle({ ok: true, stream: streamOf(socket) }));
  });
}

function streamOf(socket: WebSocket): ConsoleStream {
  const endListeners: Array<(end: StreamEnd) => void> = [];
  let ended: StreamEnd | null = null;
  // What arrives before the reader listens is kept, not lost (the gateway may replay the screen at once).
  const early: Buffer[] = [];
  let dataListener: ((chunk: Buffer) => void) | null = null;
  let received = 0;
  socket.on('message', (data) => {
    const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    received += chunk.length;
    if (dataListener) dataListener(chunk);
    else early.push(chunk);
  });
  socket.on('close', (code, reason) => {
    ended ??= { code, reason: reason.toString('utf8') };
    for (const listener of endListeners.splice(0)) listener(ended);
  });
  // An error is always followed by close; without a listener it would be thrown.
  socket.on('error', () => undefined);
  return {
    write(text) {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    onData(listener) {
      dataListener = listener;
      for (const chunk of early.splice(0)) listener(chunk);
    },
    onEnd(listener) {
      if (ended) listener(ended);
      else endListeners.push(listener);
    },
    received: () => received,
    close() {
      if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
      return new Promise<void>((resolve) => {
        // A gateway that never answers the close handshake must not keep the activity (or a test) waiting.
        const timer = setTimeout(() => {
          socket.terminate();
          resolve();
        }, CLOSE_WAIT_MS);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000, 'session done');
      });
    },
  };
}
