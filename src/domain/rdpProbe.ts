/**
 * The result of one RDP handshake probe.
 * Lives in domain/ so the orchestration can reason about verdicts without importing the probe's I/O.
 */
export type ProbeStage = 'tcp' | 'x224' | 'tls' | 'done';
/**
 * `inconclusive`: the probe itself could not judge (an error inside the probe, not an answer from the server).
 * It is no evidence either way: nothing may be changed on it.
 */
export type ProbeVerdict = 'healthy' | 'degraded' | 'broken' | 'unreachable' | 'inconclusive';
export type RdpSelectedProtocol = 'RDP' | 'SSL' | 'HYBRID' | 'RDSTLS' | 'HYBRID_EX' | 'RDSAAD' | 'UNKNOWN';

export interface ProbeCertificate {
  subject: string;
  issuer: string;
  notBefore: string; // ISO 8601
  notAfter: string; // ISO 8601
  expired: boolean;
  /** SHA-1 thumbprint, upper-case hex without separators: the form Windows shows in Cert:\ and SSLCertificateSHA1Hash. */
  fingerprint: string;
  fingerprint256: string;
}

export interface RdpProbeResult {
  host: string;
  port: number;
  /** The last stage reached; `done` means the TLS handshake completed. */
  stage: ProbeStage;
  ok: boolean;
  verdict: ProbeVerdict;
  /** One line a person on call can read. */
  reason: string;
  selectedProtocol: RdpSelectedProtocol | null;
  /** RDP_NEG_FAILURE code name, e.g. SSL_CERT_NOT_ON_SERVER. */
  negotiationFailure: string | null;
  tlsVersion: string | null;
  certificate: ProbeCertificate | null;
  /** Machine-readable cause of a failure, e.g. ECONNREFUSED, RESET_AFTER_CLIENT_HELLO, TLS_ALERT_80, NOT_RDP. */
  error: string | null;
  elapsedMs: number;
}
