/**
 * What a probe outcome means for the VM: verdict, one-line reason, machine-readable error, and the stage
 * reached. "Broken" is anything a current client (mstsc, FreeRDP) fails on after the network delivered the
 * packets; "degraded" is a connection a client completes with a warning; "unreachable" is the network (or the
 * VM's power state) never letting the conversation start; "inconclusive" is the probe itself not able to
 * judge, which says nothing about the server.
 */
import type { ProbeCertificate, ProbeStage, ProbeVerdict, RdpSelectedProtocol } from '../domain/rdpProbe';
import { assessValidity } from './certificate';
import type { ProbeOutcome } from './probeOutcome';
import type { TlsFailure } from './tlsFailure';

export interface VerdictPolicy {
  now: Date;
  expiryWarningDays: number;
}

export interface Judgement {
  stage: ProbeStage;
  verdict: ProbeVerdict;
  /** Only a healthy endpoint is ok: a degraded one still needs the playbook's certificate or TLS fix. */
  ok: boolean;
  reason: string;
  error: string | null;
  selectedProtocol: RdpSelectedProtocol | null;
  negotiationFailure: string | null;
  tlsVersion: string | null;
  certificate: ProbeCertificate | null;
}

const INTERNAL_ERROR_SIGNATURE = 'the "An internal error has occurred" signature';

/**
 * What standard RDP security means for a client: FreeRDP's default negotiation accepts it (and may fail later,
 * at licensing or activation), mstsc connects unless told to require NLA; nothing here is TLS.
 */
const STANDARD_RDP_CONSEQUENCE =
  "no TLS and no NLA, so credentials and the session have only RDP's own RC4 encryption and the server is not authenticated; " +
  'clients set to require NLA (Group Policy, FreeRDP /sec:nla) fail';

/** Errors meaning "TLS selected, then dropped": what mstsc reports as "An internal error has occurred". */
export const INTERNAL_ERROR_SIGNATURE_ERRORS: readonly string[] = [
  'RESET_AFTER_CLIENT_HELLO',
  'CLOSED_AFTER_CLIENT_HELLO',
  'DISCONNECT_AFTER_CLIENT_HELLO',
  'TLS_ALERT_80',
];

export function judgeOutcome(outcome: ProbeOutcome, policy: VerdictPolicy): Judgement {
  const base = {
    ok: false,
    error: null,
    selectedProtocol: null,
    negotiationFailure: null,
    tlsVersion: null,
    certificate: null,
  } as const;
  switch (outcome.kind) {
    case 'invalid-options':
      return {
        ...base,
        stage: 'tcp',
        verdict: 'inconclusive',
        error: 'INVALID_OPTIONS',
        reason: `not probed (nothing was sent): ${outcome.problem}`,
      };
    case 'probe-error':
      return {
        ...base,
        stage: 'tcp',
        verdict: 'inconclusive',
        error: 'PROBE_ERROR',
        reason: `the probe could not judge: it failed itself (${outcome.message}); this says nothing about the server`,
      };
    case 'connect-failed':
      return {
        ...base,
        stage: 'tcp',
        verdict: 'unreachable',
        error: outcome.code,
        reason: connectFailureReason(outcome.code, outcome.message),
      };
    case 'connect-timeout':
      return {
        ...base,
        stage: 'tcp',
        verdict: 'unreachable',
        error: 'CONNECT_TIMEOUT',
        reason:
          `no answer to the TCP connect within ${outcome.timeoutMs} ms (VM stopped, NSG or firewall dropping the port, or ` +
          `wrong address)`,
      };
    case 'confirm-timeout':
      return {
        ...base,
        stage: 'x224',
        verdict: 'broken',
        error: 'CONFIRM_TIMEOUT',
        reason:
          outcome.received === 0
            ? `connected, but no answer to the X.224 Connection Request within ${outcome.timeoutMs} ms (RDP service hung, ` +
              `or a program that waits for its client to speak owns the port)`
            : `connected, but the Connection Confirm stayed incomplete: ${outcome.received} of ${outcome.announced ?? '?'} ` +
              `bytes announced by its TPKT length arrived within ${outcome.timeoutMs} ms`,
      };
    case 'closed-before-confirm':
      return { ...base, stage: 'x224', verdict: 'broken', ...closedBeforeConfirm(outcome.how, outcome.received, outcome.announced) };
    case 'not-rdp':
      return {
        ...base,
        stage: 'x224',
        verdict: 'broken',
        error: 'NOT_RDP',
        reason: `another program owns the port: it answered the X.224 Connection Request like ${outcome.description}`,
      };
    case 'malformed-confirm':
      return {
        ...base,
        stage: 'x224',
        verdict: 'broken',
        error: 'MALFORMED_CONFIRM',
        reason: `malformed Connection Confirm: ${outcome.problem}`,
      };
    case 'negotiation-failure':
      return {
        ...base,
        stage: 'x224',
        verdict: 'broken',
        error: 'NEGOTIATION_FAILURE',
        negotiationFailure: outcome.name,
        reason: negotiationFailureReason(outcome.name),
      };
    case 'standard-rdp-only':
      return {
        ...base,
        stage: 'x224',
        verdict: 'broken',
        error: 'STANDARD_RDP_ONLY',
        selectedProtocol: 'RDP',
        reason: `${
          outcome.legacyReply
            ? 'the server ignored security negotiation (an 11-byte Connection Confirm without RDP_NEG_RSP)'
            : 'the server selected standard RDP security (PROTOCOL_RDP) although TLS and NLA were offered'
        }: ${STANDARD_RDP_CONSEQUENCE}`,
      };
    case 'unexpected-selection':
      return {
        ...base,
        stage: 'x224',
        verdict: 'broken',
        error: 'UNEXPECTED_PROTOCOL',
        selectedProtocol: 'UNKNOWN',
        reason:
          `the server selected protocol 0x${outcome.selectedProtocol.toString(16)}, which does not start with TLS and was ` +
          `not requested`,
      };
    case 'tls-failed':
      return {
        ...base,
        stage: 'tls',
        verdict: 'broken',
        selectedProtocol: outcome.selectedProtocol,
        ...tlsFailure(outcome.selectedProtocol, outcome.failure, outcome.legacyRetried),
      };
    case 'tls-completed':
      return tlsCompleted(outcome, policy);
  }
}

function connectFailureReason(code: string, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing listens on the port (RDP service stopped or listening elsewhere)';
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
      return `DNS lookup failed (${code})`;
    case 'ETIMEDOUT':
      return 'no answer to the TCP connect (the operating system gave up)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to the host (${code})`;
    default:
      return `TCP connect failed: ${message}`;
  }
}

function closedBeforeConfirm(how: 'fin' | 'reset', received: number, announced: number | null): { error: string; reason: string } {
  if (received > 0) {
    return {
      error: 'TRUNCATED_CONFIRM',
      reason:
        `the server ${how === 'reset' ? 'reset' : 'closed'} the connection after ${received} of ` +
        `${announced ?? 'at least 4'} bytes of the Connection Confirm (truncated reply)`,
    };
  }
  return how === 'reset'
    ? { error: 'RESET_BEFORE_CONFIRM', reason: 'the server reset the connection instead of answering the X.224 Connection Request' }
    : { error: 'CLOSED_BEFORE_CONFIRM', reason: 'the server closed the connection without answering the X.224 Connection Request' };
}

function negotiationFailureReason(name: string): string {
  switch (name) {
    case 'SSL_NOT_ALLOWED_BY_SERVER':
      return `negotiation failed with SSL_NOT_ALLOWED_BY_SERVER: the server allows standard RDP security only; ${STANDARD_RDP_CONSEQUENCE}`;
    case 'SSL_CERT_NOT_ON_SERVER':
      return 'negotiation failed with SSL_CERT_NOT_ON_SERVER: the server has no usable certificate for TLS, so clients cannot connect';
    case 'HYBRID_REQUIRED_BY_SERVER':
      return 'negotiation failed with HYBRID_REQUIRED_BY_SERVER although Network Level Authentication (HYBRID) was offered';
    case 'SSL_REQUIRED_BY_SERVER':
      return 'negotiation failed with SSL_REQUIRED_BY_SERVER although TLS was offered';
    default:
      return `negotiation failed with ${name}`;
  }
}

function tlsFailure(protocol: RdpSelectedProtocol, failure: TlsFailure, legacyRetried: boolean): { error: string; reason: string } {
  const selected = `the server selected ${protocol}, then`;
  const retried = legacyRetried ? ' (a retry allowing TLS 1.0/1.1 and weak parameters failed too)' : '';
  switch (failure.kind) {
    case 'alert':
      return {
        error: `TLS_ALERT_${failure.code}`,
        reason:
          failure.code === 80
            ? `${selected} answered the TLS ClientHello with alert 80 (internal_error): ${INTERNAL_ERROR_SIGNATURE}${retried}`
            : `${selected} answered the TLS ClientHello with alert ${failure.code} (${failure.name})${retried}`,
      };
    case 'reset':
      return {
        error: 'RESET_AFTER_CLIENT_HELLO',
        reason: `${selected} reset the connection instead of completing the TLS handshake: ${INTERNAL_ERROR_SIGNATURE}${retried}`,
      };
    case 'closed':
      return {
        error: 'CLOSED_AFTER_CLIENT_HELLO',
        reason: `${selected} closed the connection instead of completing the TLS handshake: ${INTERNAL_ERROR_SIGNATURE}${retried}`,
      };
    case 'timeout':
      return { error: 'TLS_TIMEOUT', reason: `${selected} did not complete the TLS handshake within ${failure.timeoutMs} ms${retried}` };
    case 'plaintext-rdp':
      return {
        error: 'DISCONNECT_AFTER_CLIENT_HELLO',
        reason:
          `${selected} abandoned the TLS handshake and sent ` +
          `${failure.disconnect ? 'an MCS Disconnect Provider Ultimatum' : 'a TPKT frame'} in plaintext: ` +
          `${INTERNAL_ERROR_SIGNATURE}${retried}`,
      };
    case 'not-tls':
      return { error: 'NOT_TLS', reason: `${selected} sent ${failure.description} instead of a TLS ServerHello${retried}` };
    case 'legacy-version':
      return {
        error: 'TLS_VERSION_REFUSED',
        reason: `${selected} chose a TLS version current clients refuse (${failure.detail})${retried}`,
      };
    case 'error':
      return { error: 'TLS_FAILED', reason: `${selected} the TLS handshake failed: ${failure.code} ${failure.message}${retried}` };
  }
}

function tlsCompleted(outcome: Extract<ProbeOutcome, { kind: 'tls-completed' }>, policy: VerdictPolicy): Judgement {
  const known = {
    stage: 'done',
    selectedProtocol: outcome.selectedProtocol,
    negotiationFailure: null,
    tlsVersion: outcome.tlsVersion,
    certificate: outcome.certificate,
  } as const;
  const handshake = `TLS handshake completed (${outcome.tlsVersion}, ${outcome.selectedProtocol} selected)`;
  const certificate = outcome.certificate;
  if (certificate === null) {
    if (outcome.legacyOnly) return legacyOnly(known, outcome.tlsVersion, outcome.selectedProtocol, ['the server sent no certificate']);
    return {
      ...known,
      verdict: 'degraded',
      ok: false,
      error: 'NO_CERTIFICATE',
      reason: `${handshake}, but the server sent no certificate`,
    };
  }
  const issues: Array<{ error: string; text: string }> = [];
  const validity = assessValidity(certificate, policy.now, policy.expiryWarningDays);
  if (validity.state === 'expired') {
    issues.push({
      error: 'CERTIFICATE_EXPIRED',
      text: `the certificate ${certificate.subject} expired on ${day(certificate.notAfter)} (clients warn before connecting)`,
    });
  } else if (validity.state === 'not-yet-valid') {
    issues.push({
      error: 'CERTIFICATE_NOT_YET_VALID',
      text: `the certificate ${certificate.subject} is not valid before ${day(certificate.notBefore)} (clients warn before connecting)`,
    });
  }
  if (validity.state === 'expires-soon') {
    issues.push({
      error: 'CERTIFICATE_EXPIRES_SOON',
      text:
        `the certificate ${certificate.subject} expires on ${day(certificate.notAfter)} (${validity.daysLeft} days left, ` +
        `warning at ${policy.expiryWarningDays})`,
    });
  }
  if (outcome.legacyOnly)
    return legacyOnly(
      known,
      outcome.tlsVersion,
      outcome.selectedProtocol,
      issues.map((issue) => issue.text),
    );
  if (issues.length === 0) {
    return {
      ...known,
      verdict: 'healthy',
      ok: true,
      error: null,
      reason: `${handshake}; certificate valid until ${day(certificate.notAfter)}`,
    };
  }
  return {
    ...known,
    verdict: 'degraded',
    ok: false,
    error: issues[0].error,
    reason: `${handshake}, but ${issues.map((issue) => issue.text).join(' and ')}`,
  };
}

/** Current Windows clients have TLS 1.0/1.1 off and a default FreeRDP (OpenSSL 3) refuses them: they fail. */
function legacyOnly(
  known: Omit<Judgement, 'verdict' | 'ok' | 'error' | 'reason'>,
  tlsVersion: string,
  protocol: RdpSelectedProtocol,
  alsoWrong: readonly string[],
): Judgement {
  const also = alsoWrong.length > 0 ? `; also ${alsoWrong.join(' and ')}` : '';
  return {
    ...known,
    verdict: 'broken',
    ok: false,
    error: 'LEGACY_TLS_ONLY',
    reason:
      `TLS completed only with legacy ${tlsVersion} (${protocol} selected), on a retry allowing TLS 1.0/1.1 and ` +
      `OpenSSL security level 0; TLS 1.2 and later were refused, so current clients (TLS 1.0/1.1 off) fail to connect${also}`,
  };
}

function day(iso: string): string {
  return iso.slice(0, 10);
}
