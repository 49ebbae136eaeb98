/**
 * TLS alert descriptions (RFC 5246 7.2, RFC 8446 6) and the two places an alert can be read from: the
 * server's own bytes (a plaintext alert record instead of a ServerHello) and OpenSSL's error for it.
 */
const ALERT_NAMES: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  60: 'export_restriction',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

const CONTENT_TYPE_ALERT = 0x15;

export function tlsAlertName(code: number): string {
  return ALERT_NAMES[code] ?? `alert_${code}`;
}

/** The alert a server sent as its first TLS record, if that record is a complete plaintext alert. */
export function alertFromServerBytes(bytes: Buffer): number | null {
  if (bytes.length < 7) return null;
  if (bytes[0] !== CONTENT_TYPE_ALERT || bytes[1] !== 0x03) return null;
  if (bytes.readUInt16BE(3) !== 2) return null;
  return bytes[6];
}

/**
 * OpenSSL reports a received alert as e.g. ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR with "SSL alert number 80"
 * in the message; the code alone is enough when the message format changes.
 */
export function alertFromOpenSslError(code: string | undefined, message: string): number | null {
  if (code === undefined || !/^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_/.test(code)) return null;
  const numbered = /SSL alert number (\d+)/.exec(message);
  if (numbered) return Number(numbered[1]);
  const wanted = code.replace(/^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_/, '').toLowerCase();
  for (const [value, name] of Object.entries(ALERT_NAMES)) {
    if (name === wanted) return Number(value);
  }
  return null;
}
