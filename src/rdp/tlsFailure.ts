/**
 * Turns what was seen during a failed TLS handshake into one named failure. What the server itself did
 * (its bytes, its FIN or RST on the raw socket) outranks OpenSSL's error text, which differs between
 * Node releases and says "socket disconnected" for both a FIN and some resets.
 */
import { describeForeignBytes } from './foreignBytes';
import { alertFromOpenSslError, alertFromServerBytes, tlsAlertName } from './tlsAlert';
import { TPKT_VERSION, isPlaintextDisconnect } from './x224';

export interface TlsHandshakeObservation {
  /** The first bytes the server sent after the Connection Confirm (capped). */
  serverBytes: Buffer;
  /** How the server ended the TCP connection, as seen on the raw socket. */
  peerClosed: 'fin' | 'reset' | null;
  error: { code?: string; message: string } | null;
  /** The TLS stage timeout, when it is what ended the attempt. */
  timedOutAfterMs: number | null;
}

export type TlsFailure =
  | { kind: 'alert'; code: number; name: string }
  /** The server chose a TLS version below what this attempt allowed; OpenSSL refused it locally. */
  | { kind: 'legacy-version'; detail: string }
  | { kind: 'reset'; serverBytes: number }
  | { kind: 'closed'; serverBytes: number }
  | { kind: 'timeout'; timeoutMs: number }
  /** The server dropped TLS and answered in plaintext RDP (TPKT), usually to disconnect. */
  | { kind: 'plaintext-rdp'; disconnect: boolean }
  | { kind: 'not-tls'; description: string }
  | { kind: 'error'; code: string; message: string };

const TLS_CONTENT_TYPES = new Set([0x14, 0x15, 0x16, 0x17]);
const LOCAL_VERSION_REFUSALS = new Set(['ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_NO_PROTOCOLS_AVAILABLE']);

export function classifyTlsFailure(seen: TlsHandshakeObservation): TlsFailure {
  const sentAlert = alertFromServerBytes(seen.serverBytes);
  if (sentAlert !== null) return { kind: 'alert', code: sentAlert, name: tlsAlertName(sentAlert) };

  const code = seen.error?.code;
  const message = seen.error?.message ?? '';
  const reportedAlert = alertFromOpenSslError(code, message);
  if (reportedAlert !== null) return { kind: 'alert', code: reportedAlert, name: tlsAlertName(reportedAlert) };

  if (code !== undefined && LOCAL_VERSION_REFUSALS.has(code)) return { kind: 'legacy-version', detail: firstLine(message) };

  if (seen.serverBytes.length >= 2 && seen.serverBytes[0] === TPKT_VERSION && seen.serverBytes[1] === 0) {
    return { kind: 'plaintext-rdp', disconnect: isPlaintextDisconnect(seen.serverBytes) };
  }
  if (seen.serverBytes.length > 0 && !TLS_CONTENT_TYPES.has(seen.serverBytes[0])) {
    return { kind: 'not-tls', description: describeForeignBytes(seen.serverBytes) };
  }
  if (seen.peerClosed === 'reset') return { kind: 'reset', serverBytes: seen.serverBytes.length };
  if (seen.peerClosed === 'fin') return { kind: 'closed', serverBytes: seen.serverBytes.length };
  if (seen.timedOutAfterMs !== null) return { kind: 'timeout', timeoutMs: seen.timedOutAfterMs };
  return { kind: 'error', code: code ?? 'TLS_ERROR', message: firstLine(message) };
}

/**
 * Failures a server that only speaks TLS 1.0/1.1 (or only old ciphers) produces against a modern client.
 * A handshake_failure or insufficient_security can be a cipher-suite mismatch of such a server too.
 */
export function isLegacyTlsSymptom(failure: TlsFailure): boolean {
  if (failure.kind === 'legacy-version') return true;
  return failure.kind === 'alert' && (failure.code === 70 || failure.code === 71 || failure.code === 40);
}

/** OpenSSL messages read "<id>:error:<code>:SSL routines:<function>:<reason>:<file>:<line>:"; keep the reason. */
function firstLine(text: string): string {
  const line = (text.split('\n', 1)[0] ?? '').trim();
  const openSsl = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/.exec(line);
  return openSsl ? openSsl[1] : line;
}
