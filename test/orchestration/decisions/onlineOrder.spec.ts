import { rdpAnsweredOn, restrictBeforeDiagnosis, snapshotDuringDiagnosis } from '../../../src/orchestration/decisions/onlineOrder';
import type { RdpProbeResult } from '../../../src/domain/rdpProbe';

const probe = (over: Partial<RdpProbeResult>): RdpProbeResult => ({
  host: '20.50.100.10',
  port: 3389,
  stage: 'tcp',
  ok: false,
  verdict: 'broken',
  reason: 'test',
  selectedProtocol: null,
  negotiationFailure: null,
  tlsVersion: null,
  certificate: null,
  error: null,
  elapsedMs: 5,
  ...over,
});

/** The "internal error": TermService negotiated HYBRID, then reset the TLS handshake. */
const internalError = probe({ stage: 'tls', selectedProtocol: 'HYBRID', error: 'RESET_AFTER_CLIENT_HELLO' });
/** Another program (a web server) answered the X.224 request. */
const foreign = probe({ stage: 'x224', error: 'NOT_RDP' });
const refused = probe({ verdict: 'unreachable', error: 'ECONNREFUSED' });

describe('rdpAnsweredOn', () => {
  it.each([
    ['the internal error', internalError, true],
    ['an RDP negotiation failure', probe({ stage: 'x224', negotiationFailure: 'SSL_CERT_NOT_ON_SERVER' }), true],
    ['a completed handshake', probe({ stage: 'done', verdict: 'healthy', ok: true, selectedProtocol: 'HYBRID' }), true],
    ['another program', foreign, false],
    ['a refused connection', refused, false],
    ['no probe', null, false],
  ])('%s -> %s', (_what, p, expected) => expect(rdpAnsweredOn(p)).toBe(expected));
});

describe('restrictBeforeDiagnosis', () => {
  const base = { mode: 'repair' as const, restrictionsWanted: 1, portGiven: false, baseline: internalError };
  it('restricts first when RDP answered on the port', () => expect(restrictBeforeDiagnosis(base)).toBe(true));
  it('restricts first when the caller named the port, whatever answered', () =>
    expect(restrictBeforeDiagnosis({ ...base, portGiven: true, baseline: refused })).toBe(true));
  it('diagnoses first when another program answered on the assumed port', () =>
    expect(restrictBeforeDiagnosis({ ...base, baseline: foreign })).toBe(false));
  it('never in diagnose mode, nor with nothing to restrict', () => {
    expect(restrictBeforeDiagnosis({ ...base, mode: 'diagnose' })).toBe(false);
    expect(restrictBeforeDiagnosis({ ...base, restrictionsWanted: 0 })).toBe(false);
  });
});

describe('snapshotDuringDiagnosis', () => {
  const base = { mode: 'repair' as const, agentReady: true, baseline: internalError, openToWorld: false };
  it('snapshots alongside the diagnosis of a broken or degraded guest', () => {
    expect(snapshotDuringDiagnosis(base)).toBe(true);
    expect(snapshotDuringDiagnosis({ ...base, baseline: foreign })).toBe(true);
    expect(snapshotDuringDiagnosis({ ...base, baseline: probe({ verdict: 'degraded', stage: 'done', selectedProtocol: 'HYBRID' }) })).toBe(
      true,
    );
  });
  it('waits for the diagnosis when the probe proves nothing about the guest, or a world-open NSG may explain it', () => {
    expect(snapshotDuringDiagnosis({ ...base, baseline: refused })).toBe(false);
    expect(snapshotDuringDiagnosis({ ...base, baseline: null })).toBe(false);
    expect(snapshotDuringDiagnosis({ ...base, openToWorld: true })).toBe(false);
  });
  it('never in diagnose mode, nor when Run Command cannot reach the guest', () => {
    expect(snapshotDuringDiagnosis({ ...base, mode: 'diagnose' })).toBe(false);
    expect(snapshotDuringDiagnosis({ ...base, agentReady: false })).toBe(false);
  });
});
