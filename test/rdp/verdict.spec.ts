import type { ProbeCertificate } from '../../src/domain/rdpProbe';
import type { ProbeOutcome } from '../../src/rdp/probeOutcome';
import { judgeOutcome, type Judgement } from '../../src/rdp/verdict';

const policy = { now: new Date('2026-01-05T03:00:00Z'), expiryWarningDays: 14 };

const certificate = (notBefore: string, notAfter: string): ProbeCertificate => ({
  subject: 'CN=vm1',
  issuer: 'CN=vm1',
  notBefore,
  notAfter,
  expired: false,
  fingerprint: 'AB',
  fingerprint256: 'CD',
});
const good = certificate('2025-01-01T00:00:00.000Z', '2099-12-31T23:59:59.000Z');
const expired = certificate('2020-01-01T00:00:00.000Z', '2021-01-01T00:00:00.000Z');
const soon = certificate('2025-01-01T00:00:00.000Z', '2026-01-12T00:00:00.000Z');
const future = certificate('2027-01-01T00:00:00.000Z', '2099-12-31T23:59:59.000Z');
const completed = (extra: Partial<Extract<ProbeOutcome, { kind: 'tls-completed' }>>): ProbeOutcome => ({
  kind: 'tls-completed',
  selectedProtocol: 'HYBRID',
  tlsVersion: 'TLSv1.3',
  legacyOnly: false,
  certificate: good,
  ...extra,
});
const tlsFailed = (failure: Extract<ProbeOutcome, { kind: 'tls-failed' }>['failure'], legacyRetried = false): ProbeOutcome => ({
  kind: 'tls-failed',
  selectedProtocol: 'SSL',
  failure,
  legacyRetried,
});

type Row = [string, ProbeOutcome, Pick<Judgement, 'verdict' | 'stage' | 'error'>, RegExp];

const table: Row[] = [
  [
    'TLS done, certificate valid',
    completed({}),
    { verdict: 'healthy', stage: 'done', error: null },
    /^TLS handshake completed \(TLSv1\.3, HYBRID selected\); certificate valid until 2099-12-31$/,
  ],
  [
    'certificate expired',
    completed({ certificate: expired }),
    { verdict: 'degraded', stage: 'done', error: 'CERTIFICATE_EXPIRED' },
    /certificate CN=vm1 expired on 2021-01-01 \(clients warn before connecting\)$/,
  ],
  [
    'certificate expires in 6 days',
    completed({ certificate: soon }),
    { verdict: 'degraded', stage: 'done', error: 'CERTIFICATE_EXPIRES_SOON' },
    /expires on 2026-01-12 \(6 days left, warning at 14\)/,
  ],
  [
    'certificate not yet valid',
    completed({ certificate: future }),
    { verdict: 'degraded', stage: 'done', error: 'CERTIFICATE_NOT_YET_VALID' },
    /not valid before 2027-01-01/,
  ],
  [
    'only legacy TLS',
    completed({ legacyOnly: true, tlsVersion: 'TLSv1' }),
    { verdict: 'broken', stage: 'done', error: 'LEGACY_TLS_ONLY' },
    /^TLS completed only with legacy TLSv1 .*TLS 1\.0\/1\.1.*TLS 1\.2 and later were refused, so current clients .* fail to connect$/,
  ],
  [
    'only legacy TLS 1.1',
    completed({ legacyOnly: true, tlsVersion: 'TLSv1.1' }),
    { verdict: 'broken', stage: 'done', error: 'LEGACY_TLS_ONLY' },
    /only with legacy TLSv1\.1/,
  ],
  [
    'legacy TLS and expired certificate',
    completed({ legacyOnly: true, tlsVersion: 'TLSv1', certificate: expired }),
    { verdict: 'broken', stage: 'done', error: 'LEGACY_TLS_ONLY' },
    /only with legacy TLSv1 .*; also the certificate CN=vm1 expired on 2021-01-01/,
  ],
  [
    'legacy TLS and no certificate',
    completed({ legacyOnly: true, tlsVersion: 'TLSv1', certificate: null }),
    { verdict: 'broken', stage: 'done', error: 'LEGACY_TLS_ONLY' },
    /fail to connect; also the server sent no certificate$/,
  ],
  ['no certificate', completed({ certificate: null }), { verdict: 'degraded', stage: 'done', error: 'NO_CERTIFICATE' }, /no certificate/],
  [
    'RST after ClientHello',
    tlsFailed({ kind: 'reset', serverBytes: 0 }),
    { verdict: 'broken', stage: 'tls', error: 'RESET_AFTER_CLIENT_HELLO' },
    /selected SSL, then reset the connection.*"An internal error has occurred" signature/,
  ],
  [
    'FIN after ClientHello',
    tlsFailed({ kind: 'closed', serverBytes: 0 }),
    { verdict: 'broken', stage: 'tls', error: 'CLOSED_AFTER_CLIENT_HELLO' },
    /closed the connection.*internal error/,
  ],
  [
    'alert 80',
    tlsFailed({ kind: 'alert', code: 80, name: 'internal_error' }),
    { verdict: 'broken', stage: 'tls', error: 'TLS_ALERT_80' },
    /alert 80 \(internal_error\).*internal error has occurred/,
  ],
  [
    'alert 70 after the legacy retry',
    tlsFailed({ kind: 'alert', code: 70, name: 'protocol_version' }, true),
    { verdict: 'broken', stage: 'tls', error: 'TLS_ALERT_70' },
    /alert 70 \(protocol_version\) \(a retry allowing TLS 1\.0\/1\.1 and weak parameters failed too\)$/,
  ],
  [
    'plaintext disconnect',
    tlsFailed({ kind: 'plaintext-rdp', disconnect: true }),
    { verdict: 'broken', stage: 'tls', error: 'DISCONNECT_AFTER_CLIENT_HELLO' },
    /MCS Disconnect Provider Ultimatum in plaintext.*internal error/,
  ],
  [
    'TLS timeout',
    tlsFailed({ kind: 'timeout', timeoutMs: 5000 }),
    { verdict: 'broken', stage: 'tls', error: 'TLS_TIMEOUT' },
    /within 5000 ms/,
  ],
  [
    'not TLS after the CC',
    tlsFailed({ kind: 'not-tls', description: 'an HTTP server ("HTTP/1.1 400")' }),
    { verdict: 'broken', stage: 'tls', error: 'NOT_TLS' },
    /sent an HTTP server .* instead of a TLS ServerHello/,
  ],
  [
    'version refused and retry failed',
    tlsFailed({ kind: 'legacy-version', detail: 'unsupported protocol' }, true),
    { verdict: 'broken', stage: 'tls', error: 'TLS_VERSION_REFUSED' },
    /unsupported protocol/,
  ],
  [
    'other TLS error',
    tlsFailed({ kind: 'error', code: 'ERR_X', message: 'odd' }),
    { verdict: 'broken', stage: 'tls', error: 'TLS_FAILED' },
    /ERR_X odd/,
  ],
  [
    'SSL_CERT_NOT_ON_SERVER',
    { kind: 'negotiation-failure', code: 3, name: 'SSL_CERT_NOT_ON_SERVER' },
    { verdict: 'broken', stage: 'x224', error: 'NEGOTIATION_FAILURE' },
    /SSL_CERT_NOT_ON_SERVER: the server has no usable certificate/,
  ],
  [
    'SSL_NOT_ALLOWED_BY_SERVER',
    { kind: 'negotiation-failure', code: 2, name: 'SSL_NOT_ALLOWED_BY_SERVER' },
    { verdict: 'broken', stage: 'x224', error: 'NEGOTIATION_FAILURE' },
    /standard RDP security only; no TLS and no NLA.*require NLA/,
  ],
  [
    'unknown failure code',
    { kind: 'negotiation-failure', code: 9, name: 'UNKNOWN_FAILURE_0x09' },
    { verdict: 'broken', stage: 'x224', error: 'NEGOTIATION_FAILURE' },
    /UNKNOWN_FAILURE_0x09/,
  ],
  [
    'PROTOCOL_RDP selected',
    { kind: 'standard-rdp-only', legacyReply: false },
    { verdict: 'broken', stage: 'x224', error: 'STANDARD_RDP_ONLY' },
    /^the server selected standard RDP security \(PROTOCOL_RDP\) although TLS and NLA were offered: no TLS and no NLA, so credentials and the session .* clients set to require NLA .* fail$/,
  ],
  [
    '11-byte legacy reply',
    { kind: 'standard-rdp-only', legacyReply: true },
    { verdict: 'broken', stage: 'x224', error: 'STANDARD_RDP_ONLY' },
    /11-byte.*: no TLS and no NLA/,
  ],
  [
    'unexpected protocol',
    { kind: 'unexpected-selection', selectedProtocol: 0x40 },
    { verdict: 'broken', stage: 'x224', error: 'UNEXPECTED_PROTOCOL' },
    /0x40/,
  ],
  [
    'foreign program',
    { kind: 'not-rdp', description: 'an HTTP server ("HTTP/1.1 400 Bad Request")' },
    { verdict: 'broken', stage: 'x224', error: 'NOT_RDP' },
    /^another program owns the port: .*HTTP server/,
  ],
  [
    'malformed CC',
    { kind: 'malformed-confirm', problem: 'TPKT length 65535 is larger' },
    { verdict: 'broken', stage: 'x224', error: 'MALFORMED_CONFIRM' },
    /malformed Connection Confirm: TPKT length 65535/,
  ],
  [
    'no answer to the CR',
    { kind: 'confirm-timeout', timeoutMs: 5000, received: 0, announced: null },
    { verdict: 'broken', stage: 'x224', error: 'CONFIRM_TIMEOUT' },
    /no answer to the X\.224 Connection Request within 5000 ms/,
  ],
  [
    'CC stuck on a lying length',
    { kind: 'confirm-timeout', timeoutMs: 300, received: 19, announced: 256 },
    { verdict: 'broken', stage: 'x224', error: 'CONFIRM_TIMEOUT' },
    /19 of 256 bytes announced by its TPKT length/,
  ],
  [
    'truncated CC',
    { kind: 'closed-before-confirm', how: 'fin', received: 10, announced: 19 },
    { verdict: 'broken', stage: 'x224', error: 'TRUNCATED_CONFIRM' },
    /closed the connection after 10 of 19 bytes/,
  ],
  [
    'FIN before any CC byte',
    { kind: 'closed-before-confirm', how: 'fin', received: 0, announced: null },
    { verdict: 'broken', stage: 'x224', error: 'CLOSED_BEFORE_CONFIRM' },
    /closed the connection without answering/,
  ],
  [
    'RST before any CC byte',
    { kind: 'closed-before-confirm', how: 'reset', received: 0, announced: null },
    { verdict: 'broken', stage: 'x224', error: 'RESET_BEFORE_CONFIRM' },
    /reset the connection instead/,
  ],
  [
    'refused',
    { kind: 'connect-failed', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
    { verdict: 'unreachable', stage: 'tcp', error: 'ECONNREFUSED' },
    /connection refused/,
  ],
  [
    'DNS failure',
    { kind: 'connect-failed', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' },
    { verdict: 'unreachable', stage: 'tcp', error: 'ENOTFOUND' },
    /DNS lookup failed/,
  ],
  [
    'no route',
    { kind: 'connect-failed', code: 'EHOSTUNREACH', message: 'x' },
    { verdict: 'unreachable', stage: 'tcp', error: 'EHOSTUNREACH' },
    /no route/,
  ],
  [
    'other connect error',
    { kind: 'connect-failed', code: 'EACCES', message: 'connect EACCES' },
    { verdict: 'unreachable', stage: 'tcp', error: 'EACCES' },
    /TCP connect failed: connect EACCES/,
  ],
  [
    'connect timeout',
    { kind: 'connect-timeout', timeoutMs: 5000 },
    { verdict: 'unreachable', stage: 'tcp', error: 'CONNECT_TIMEOUT' },
    /no answer to the TCP connect within 5000 ms/,
  ],
  [
    'bad options',
    { kind: 'invalid-options', problem: 'port 0 is not a TCP port (1-65535)' },
    { verdict: 'inconclusive', stage: 'tcp', error: 'INVALID_OPTIONS' },
    /^not probed \(nothing was sent\): port 0/,
  ],
  [
    'probe defect',
    { kind: 'probe-error', message: 'boom' },
    { verdict: 'inconclusive', stage: 'tcp', error: 'PROBE_ERROR' },
    /^the probe could not judge: it failed itself \(boom\); this says nothing about the server$/,
  ],
];

describe('judgeOutcome', () => {
  it.each(table)('%s', (_name, outcome, expected, reason) => {
    const judgement = judgeOutcome(outcome, policy);
    expect({ verdict: judgement.verdict, stage: judgement.stage, error: judgement.error }).toEqual(expected);
    expect(judgement.ok).toBe(expected.verdict === 'healthy');
    expect(judgement.reason).toMatch(reason);
    expect(judgement.reason).not.toMatch(/\n/);
  });

  it('carries protocol, TLS version and certificate of a completed handshake', () => {
    expect(judgeOutcome(completed({}), policy)).toMatchObject({
      selectedProtocol: 'HYBRID',
      tlsVersion: 'TLSv1.3',
      certificate: good,
      negotiationFailure: null,
    });
  });

  it('names the negotiation failure in its own field', () => {
    const judgement = judgeOutcome({ kind: 'negotiation-failure', code: 3, name: 'SSL_CERT_NOT_ON_SERVER' }, policy);
    expect([judgement.negotiationFailure, judgement.selectedProtocol]).toEqual(['SSL_CERT_NOT_ON_SERVER', null]);
  });

  it('uses the configured warning window', () => {
    expect(judgeOutcome(completed({ certificate: soon }), { ...policy, expiryWarningDays: 5 }).verdict).toBe('healthy');
    expect(judgeOutcome(completed({}), { ...policy, now: new Date('2099-12-20T00:00:00Z') }).verdict).toBe('degraded');
  });
});
