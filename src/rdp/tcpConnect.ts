/**
 * TCP connect with its own deadline. The deadline covers the DNS lookup too: a resolver that hangs must
 * not hold the probe beyond the connect timeout.
 */
import { connect } from 'node:net';
import { ByteChannel } from './byteChannel';

export type TcpConnectResult =
  | { kind: 'connected'; channel: ByteChannel }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'timeout' };

export function connectTcp(host: string, port: number, timeoutMs: number): Promise<TcpConnectResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let settled = false;
    const settle = (result: TcpConnectResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve(result);
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      socket.destroy();
      settle({ kind: 'failed', code: errorCode(error), message: error.message });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      settle({ kind: 'timeout' });
    }, timeoutMs);
    socket.on('error', onError);
    socket.once('connect', () => {
      socket.setNoDelay(true);
      // The channel attaches its own error listener before ours is removed, so no error goes unheard.
      const channel = new ByteChannel(socket);
      socket.pause();
      settle({ kind: 'connected', channel });
    });
  });
}

/** With several addresses (localhost = ::1 and 127.0.0.1) Node reports an AggregateError without a code. */
function errorCode(error: NodeJS.ErrnoException): string {
  if (typeof error.code === 'string') return error.code;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner)) {
    for (const item of inner) {
      const code = (item as NodeJS.ErrnoException | null)?.code;
      if (typeof code === 'string') return code;
    }
  }
  return 'ECONNECT';
}
