/**
 * The TLS handshake on the socket that carried the X.224 exchange, as mstsc does it after the server
 * selects SSL/HYBRID. The TLS client reads through a bridge stream rather than taking over the socket, so
 * the probe still sees the server's raw bytes (a plaintext alert) and whether it sent FIN or RST.
 * No trust validation: the point is to see the handshake complete and read the certificate.
 */
import { isIP } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import type { ByteChannel, PeerClose } from './byteChannel';
import type { TlsHandshakeObservation } from './tlsFailure';

/** Enough for a TLS record header plus an alert; more would only be kept to describe a non-TLS reply. */
const SERVER_BYTES_KEPT = 256;

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
  return new Promise((resolve) => {
    let serverBytes = Buffer.alloc(0);
    let peerClosed: PeerClose['how'] | null = null;
    let settled = false;
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
        callback();
      },
    });
    // The classification below comes from our own observations; errors on the bridge add nothing.
    bridge.on('error', () => undefined);

    const settle = (result: TlsHandshakeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      channel.detach();
      tlsSocket?.destroy();
      resolve(result);
    };
    const fail = (error: { code?: string; message: string } | null, timedOutAfterMs: number | null): void => {
      settle({ kind: 'failed', observation: { serverBytes, peerClosed, error, timedOutAfterMs } });
    };
    const timer = setTimeout(() => fail(null, options.timeoutMs), options.timeoutMs);

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
      settle({ kind: 'completed', tlsVersion: socket.getProtocol() ?? 'unknown', certificate: socket.getPeerX509Certificate() ?? null });
    });

    if (early.length > 0) receive(early);
    channel.attach({
      data: receive,
      closed(close) {
        peerClosed = close.how;
        // End the TLS client's input either way: it fails at once instead of waiting for the timeout.
        bridge.push(null);
      },
    });
  });
}
