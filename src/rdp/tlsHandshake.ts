/**
 * The TLS handshake on the socket that carried the X.224 exchange, as mstsc does it after the server
 * selects SSL/HYBRID. The TLS client reads through a bridge stream rather than taking over the socket, so
 * the probe still sees the server's raw bytes (a plaintext alert) and whether it sent FIN or RST.
 * No trust validation: the point is to see the handshake complete and read the certificate.
 *
 * A completed handshake is closed the way a client that connected and left closes it: the client's last
 * flight (in TLS 1.3 its Finished, written after `secureConnect`) is flushed, then TLS close_notify, then
 * FIN, and the server's own close is awaited. Destroying the socket at `secureConnect` instead drops the
 * Finished, and the server logs a failed TLS handshake for every probe (Schannel errors on Windows).
 */
import { isIP } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import type { ByteChannel, PeerClose } from './byteChannel';
import type { TlsHandshakeObservation } from './tlsFailure';

/** Enough for a TLS record header plus an alert; more would only be kept to describe a non-TLS reply. */
const SERVER_BYTES_KEPT = 256;

/**
 * How long a completed handshake waits for the server to answer close_notify by closing (also capped by the
 * TLS stage timeout). The verdict is known by then; this only keeps a slow server from holding the probe.
 */
const CLOSE_GRACE_MS = 1000;

export interface TlsHandshakeOptions {
  host: string;
  timeoutMs: number;
  /** Allow TLS 1.0/1.1 and OpenSSL security level 0: the retry for servers that only speak legacy TLS. */
  legacy: boolean;
}

export type TlsHandshakeResult =
  | { kind: 'completed'; tlsVersion: string; certificate: X509Certificate | null }
  | { kind: 'failed'; observation: TlsHandshakeObservation };

export function handshakeTls(channel: ByteChannel, early: Buffer, options: TlsHandshakeOptions): Promise<TlsHandshakeResult> {
  return new Promise((resolve, reject) => {
    let serverBytes = Buffer.alloc(0);
    let peerClosed: PeerClose['how'] | null = null;
    let settled = false;
    let completed: Extract<TlsHandshakeResult, { kind: 'completed' }> | null = null;
    let tlsSocket: TLSSocket | null = null;

    const bridge = new Duplex({
      read() {
        // Bytes are pushed as the channel delivers them; a handshake is a few kilobytes.
      },
      write(chunk: Buffer, _encoding, callback) {
        channel.write(chunk);
        callback();
      },
      final(callback) {
        // The TLS client ends its output only after close_notify went out: now the FIN.
        channel.end();
        callback();
      },
    });
    // The classification below comes from our own observations; errors on the bridge add nothing.
    bridge.on('error', () => undefined);

    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      channel.detach();
      tlsSocket?.destroy();
      return true;
    };
    const settle = (result: TlsHandshakeResult): void => {
      if (finish()) resolve(result);
    };
    // A throw inside an event handler would be an uncaught exception; the caller turns a rejection into
    // an inconclusive probe instead.
    const crash = (error: unknown): void => {
      if (finish()) reject(error);
    };
    const fail = (error: { code?: string; message: string } | null, timedOutAfterMs: number | null): void => {
      // Once the handshake completed, what happens while closing does not change what was seen.
      if (completed !== null) {
        settle(completed);
        return;
      }
      settle({ kind: 'failed', observation: { serverBytes, peerClosed, error, timedOutAfterMs } });
    };
    let timer = setTimeout(() => fail(null, options.timeoutMs), options.timeoutMs);

    const receive = (chunk: Buffer): void => {
      if (serverBytes.length < SERVER_BYTES_KEPT) {
        serverBytes = Buffer.concat([serverBytes, chunk.subarray(0, SERVER_BYTES_KEPT - serverBytes.length)]);
      }
      bridge.push(chunk);
    };

    tlsSocket = connectTls({
      socket: bridge,
      // With an IP address no SNI is sent (RFC 6066 forbids IP literals there), as mstsc does.
      host: options.host,
      servername: isIP(options.host) === 0 ? options.host : undefined,
      rejectUnauthorized: false,
      ...(options.legacy ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
    });
    tlsSocket.on('error', (error: NodeJS.ErrnoException) => {
      // A close observed on the raw socket may arrive a tick after OpenSSL's error; let it land first.
      setImmediate(() => fail({ code: error.code, message: error.message }, null));
    });
    tlsSocket.once('secureConnect', () => {
      const socket = tlsSocket as TLSSocket;
      try {
        completed = {
          kind: 'completed',
          tlsVersion: socket.getProtocol() ?? 'unknown',
          certificate: socket.getPeerX509Certificate() ?? null,
        };
      } catch (error) {
        return crash(error);
      }
      if (peerClosed !== null) return settle(completed);
      const result = completed;
      clearTimeout(timer);
      timer = setTimeout(() => settle(result), Math.min(CLOSE_GRACE_MS, options.timeoutMs));
      // end() flushes what the TLS client still has queued (TLS 1.3: its Finished), then sends close_notify.
      socket.end();
    });

    if (early.length > 0) receive(early);
    channel.attach({
      data: receive,
      closed(close) {
        peerClosed = close.how;
        // End the TLS client's input either way: it fails at once instead of waiting for the timeout.
        bridge.push(null);
        // After close_notify the server's FIN (or RST) is the end of a clean goodbye.
        if (completed !== null) settle(completed);
      },
    });
  });
}
