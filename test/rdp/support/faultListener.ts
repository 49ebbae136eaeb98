/**
 * Loopback TCP listeners that misbehave on purpose, for the probe's failure paths. Each one records every
 * socket so close() leaves nothing behind.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { TpktFrameReader } from '../../../src/rdp/tpktFrameReader';

export interface FaultListener {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

/** `allowHalfOpen`: the server's side stays open after the client's FIN, for servers that do not answer a goodbye. */
export async function startFaultListener(
  onConnection: (socket: Socket) => void,
  options: { allowHalfOpen?: boolean } = {},
): Promise<FaultListener> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer({ allowHalfOpen: options.allowHalfOpen ?? false }, (socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // the probe resets connections on purpose
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Calls `then` once a whole X.224 Connection Request (one TPKT frame) has arrived. */
export function onConnectionRequest(socket: Socket, then: (request: Buffer, rest: Buffer) => void): void {
  const reader = new TpktFrameReader(4096);
  const onData = (chunk: Buffer): void => {
    const state = reader.push(chunk);
    if (state.kind === 'incomplete') return;
    socket.removeListener('data', onData);
    if (state.kind === 'frame') then(state.frame, state.rest);
    else socket.destroy();
  };
  socket.on('data', onData);
}

/** A port number nothing listens on (a listener that was just closed). */
export async function closedPort(): Promise<number> {
  const listener = await startFaultListener(() => undefined);
  await listener.close();
  return listener.port;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
