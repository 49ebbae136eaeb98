import { describeForeignBytes } from '../../src/rdp/foreignBytes';
import { alertFromOpenSslError, alertFromServerBytes, tlsAlertName } from '../../src/rdp/tlsAlert';
import { classifyTlsFailure, isLegacyTlsSymptom, type TlsHandshakeObservation, type TlsFailure } from '../../src/rdp/tlsFailure';

const seen = (overrides: Partial<TlsHandshakeObservation>): TlsHandshakeObservation => ({
  serverBytes: Buffer.alloc(0),
  peerClosed: null,
  error: null,
  timedOutAfterMs: null,
  ...overrides,
});

// Error shapes as Node 22 / OpenSSL 3 report them (recorded from real sockets).
const alert80Error = {
  code: 'ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR',
  message:
    'C0AC86F0E07F0000:error:0A000438:SSL routines:ssl3_read_bytes:tlsv1 alert internal ' +
    'error:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:918:SSL alert number 80\n',
};
const finError = { code: 'ECONNRESET', message: 'Client network socket disconnected before secure TLS connection was established' };

describe('classifyTlsFailure', () => {
  it.each<[string, TlsHandshakeObservation, TlsFailure]>([
    [
      'a plaintext alert record from the server',
      seen({ serverBytes: Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 80]), peerClosed: 'fin', error: finError }),
      { kind: 'alert', code: 80, name: 'internal_error' },
    ],
    ['an alert only OpenSSL reported', seen({ error: alert80Error }), { kind: 'alert', code: 80, name: 'internal_error' }],
    [
      'an alert code without the number in the message',
      seen({ error: { code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', message: 'x' } }),
      { kind: 'alert', code: 40, name: 'handshake_failure' },
    ],
    [
      'the client refusing an old version',
      seen({
        error: {
          code: 'ERR_SSL_UNSUPPORTED_PROTOCOL',
          message: 'A:error:0A000102:SSL routines:tls_process_server_hello:unsupported protocol:f.c:1:',
        },
      }),
      { kind: 'legacy-version', detail: 'unsupported protocol' },
    ],
    [
      'a plaintext MCS disconnect (xrdp, key not matching certificate)',
      seen({ serverBytes: Buffer.from('0300000902f0802180', 'hex'), peerClosed: 'fin', error: finError }),
      { kind: 'plaintext-rdp', disconnect: true },
    ],
    [
      'some other TPKT frame',
      seen({ serverBytes: Buffer.from('0300000902f0807f65', 'hex'), peerClosed: 'fin' }),
      { kind: 'plaintext-rdp', disconnect: false },
    ],
    [
      'an HTTP answer',
      seen({
        serverBytes: Buffer.from('HTTP/1.1 400 Bad Request\r\n'),
        peerClosed: 'fin',
        error: { code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' },
      }),
      { kind: 'not-tls', description: 'an HTTP server ("HTTP/1.1 400 Bad Request")' },
    ],
    [
      'a reset with no bytes',
      seen({ peerClosed: 'reset', error: { code: 'ECONNRESET', message: 'read ECONNRESET' } }),
      { kind: 'reset', serverBytes: 0 },
    ],
    ['a FIN with no bytes', seen({ peerClosed: 'fin', error: finError }), { kind: 'closed', serverBytes: 0 }],
    [
      'a FIN in the middle of a ServerHello',
      seen({ serverBytes: Buffer.from([0x16, 0x03, 0x03, 0x00, 0x40, 0x02]), peerClosed: 'fin', error: finError }),
      { kind: 'closed', serverBytes: 6 },
    ],
    ['the stage timeout', seen({ timedOutAfterMs: 5000 }), { kind: 'timeout', timeoutMs: 5000 }],
    [
      'anything else',
      seen({ error: { code: 'ERR_SSL_SOMETHING', message: 'A:error:0A000000:SSL routines:f:odd thing:x.c:1:' } }),
      { kind: 'error', code: 'ERR_SSL_SOMETHING', message: 'odd thing' },
    ],
  ])('%s', (_name, observation, expected) => {
    expect(classifyTlsFailure(observation)).toEqual(expected);
  });
});

describe('isLegacyTlsSymptom', () => {
  it.each<[TlsFailure, boolean]>([
    [{ kind: 'legacy-version', detail: '' }, true],
    [{ kind: 'alert', code: 70, name: 'protocol_version' }, true],
    [{ kind: 'alert', code: 71, name: 'insufficient_security' }, true],
    [{ kind: 'alert', code: 40, name: 'handshake_failure' }, true],
    [{ kind: 'alert', code: 80, name: 'internal_error' }, false],
    [{ kind: 'reset', serverBytes: 0 }, false],
    [{ kind: 'closed', serverBytes: 0 }, false],
    [{ kind: 'timeout', timeoutMs: 1 }, false],
  ])('%j -> %s', (failure, expected) => {
    expect(isLegacyTlsSymptom(failure)).toBe(expected);
  });
});

describe('tlsAlert', () => {
  it('reads only a complete plaintext alert record', () => {
    expect(alertFromServerBytes(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 70]))).toBe(70);
    expect(alertFromServerBytes(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02]))).toBeNull();
    expect(alertFromServerBytes(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x02, 0x02, 70]))).toBeNull();
    expect(alertFromServerBytes(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x20, 0x02, 70]))).toBeNull();
  });
  it('ignores errors that are not alerts', () => {
    expect(alertFromOpenSslError('ECONNRESET', 'SSL alert number 80')).toBeNull();
    expect(alertFromOpenSslError(undefined, 'SSL alert number 80')).toBeNull();
  });
  it('names alerts, unknown ones by number', () => {
    expect(tlsAlertName(80)).toBe('internal_error');
    expect(tlsAlertName(200)).toBe('alert_200');
  });
});

describe('describeForeignBytes', () => {
  it.each([
    ['HTTP/1.0 200 OK\r\nServer: x\r\n', 'an HTTP server ("HTTP/1.0 200 OK")'],
    ['SSH-2.0-OpenSSH_9.2p1 Debian\r\n', 'an SSH server ("SSH-2.0-OpenSSH_9.2p1 Debian")'],
    ['220 mail.example ESMTP\r\n', 'a text protocol ("220 mail.example ESMTP")'],
    ['220 \u001b[31mred\r\n', 'a text protocol ("220 ?[31mred")'],
  ])('%j', (text, expected) => {
    expect(describeForeignBytes(Buffer.from(text, 'latin1'))).toBe(expected);
  });
  it('names a TLS server that skipped X.224', () => {
    expect(describeForeignBytes(Buffer.from([0x15, 0x03, 0x03, 0, 2, 2, 40]))).toMatch(/^a TLS server/);
  });
  it('shows binary as hex, truncated', () => {
    expect(describeForeignBytes(Buffer.from([0, 1, 2, 0xff]))).toBe('unrecognised bytes (00 01 02 ff)');
    expect(describeForeignBytes(Buffer.alloc(40, 0x81))).toMatch(/^unrecognised bytes \((81 ){15}81 \.\.\. 40 bytes\)$/);
  });
  it('shortens a long first line', () => {
    expect(describeForeignBytes(Buffer.from(`HTTP/1.1 ${'x'.repeat(200)}`))).toHaveLength('an HTTP server ("")'.length + 63);
  });
});
