/**
 * Everything one probe can end in, as facts without judgement. The verdict (verdict.ts) is derived from
 * these, so the mapping "what happened -> healthy/degraded/broken/unreachable" is one pure, tested table.
 */
import type { ProbeCertificate, RdpSelectedProtocol } from '../domain/rdpProbe';
import type { TlsFailure } from './tlsFailure';

export type ProbeOutcome =
  | { kind: 'invalid-options'; problem: string }
  /** A defect in the probe itself, kept apart so it is never mistaken for a finding about the server. */
  | { kind: 'probe-error'; message: string }
  /** ECONNREFUSED, ENOTFOUND, EAI_AGAIN, EHOSTUNREACH, ... */
  | { kind: 'connect-failed'; code: string; message: string }
  | { kind: 'connect-timeout'; timeoutMs: number }
  /** Connected, but no complete Connection Confirm in time; `announced` is the TPKT length if one arrived. */
  | { kind: 'confirm-timeout'; timeoutMs: number; received: number; announced: number | null }
  | { kind: 'closed-before-confirm'; how: 'fin' | 'reset'; received: number; announced: number | null }
  | { kind: 'not-rdp'; description: string }
  | { kind: 'malformed-confirm'; problem: string }
  | { kind: 'negotiation-failure'; code: number; name: string }
  /** RDP_NEG_RSP selecting PROTOCOL_RDP, or the 11-byte reply without negotiation data. */
  | { kind: 'standard-rdp-only'; legacyReply: boolean }
  /** RDP_NEG_RSP selecting something that does not start with TLS. */
  | { kind: 'unexpected-selection'; selectedProtocol: number }
  | {
      kind: 'tls-failed';
      selectedProtocol: RdpSelectedProtocol;
      failure: TlsFailure;
      /** True when a second attempt with TLS 1.0 and @SECLEVEL=0 allowed failed as well. */
      legacyRetried: boolean;
    }
  | {
      kind: 'tls-completed';
      selectedProtocol: RdpSelectedProtocol;
      tlsVersion: string;
      /** The handshake only completed on the retry that allows TLS 1.0/1.1 and weak parameters. */
      legacyOnly: boolean;
      certificate: ProbeCertificate | null;
    };
