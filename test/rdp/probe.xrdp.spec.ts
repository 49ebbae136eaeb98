/**
 * The probe against a REAL RDP server: xrdp from Debian packages, one instance per configuration, on
 * 127.0.0.1. Missing xrdp fails this suite (beforeAll throws); it never skips.
 */
import type { RdpProbeResult } from '../../src/domain/rdpProbe';
import { probeRdp, type ProbeOptions } from '../../src/rdp/probe';
import { INTERNAL_ERROR_SIGNATURE_ERRORS } from '../../src/rdp/verdict';
import { fixturePath } from './support/fixtures';
import { assertXrdpUsable, startXrdp, stopAllXrdp, type RunningXrdp, type XrdpConfig } from './support/xrdp';

const NOW = () => new Date('2026-01-05T03:00:00Z');
const valid = { certificate: fixturePath('valid-cert.pem'), keyFile: fixturePath('valid-key.pem') };

beforeAll(() => {
  assertXrdpUsable();
});

afterAll(stopAllXrdp);

const xrdp = (config: XrdpConfig): Promise<RunningXrdp> => startXrdp(config);

function probe(server: RunningXrdp, options: Partial<ProbeOptions> = {}): Promise<RdpProbeResult> {
  return probeRdp({ host: '127.0.0.1', port: server.port, now: NOW, ...options });
}

describe('probe against xrdp', () => {
  it('TLS with a valid certificate -> healthy, certificate read', async () => {
    const server = await xrdp({ securityLayer: 'negotiate', ...valid });
    const result = await probe(server, { mstshashCookie: 'probe' });
    expect(result).toMatchObject({
      verdict: 'healthy',
      ok: true,
      stage: 'done',
      selectedProtocol: 'SSL',
      negotiationFailure: null,
      tlsVersion: 'TLSv1.3',
      error: null,
      certificate: {
        subject: 'CN=rdp-probe-test-valid',
        notBefore: '2025-01-01T00:00:00.000Z',
        notAfter: '2099-12-31T23:59:59.000Z',
        expired: false,
        fingerprint: 'CAF6A165F97473E73A393C742E4C4F31C5C3B7F4',
      },
    });
    expect(server.log()).toMatch(/Security protocol: configured \[SSL\|RDP\], requested \[SSL\|HYBRID\|RDP\], selected \[SSL\]/);
  });

  it('the same certificate 10 days before it ends -> degraded, CERTIFICATE_EXPIRES_SOON (clock injected)', async () => {
    const server = await xrdp({ securityLayer: 'tls', ...valid });
    const result = await probe(server, { now: () => new Date('2099-12-22T00:00:00Z') });
    expect(result).toMatchObject({ verdict: 'degraded', stage: 'done', error: 'CERTIFICATE_EXPIRES_SOON' });
  });

  it('security_layer=rdp -> broken, standard RDP security only', async () => {
    const server = await xrdp({ securityLayer: 'rdp', ...valid });
    const result = await probe(server);
    // xrdp answers RDP_NEG_RSP selecting PROTOCOL_RDP here (Windows would send SSL_NOT_ALLOWED_BY_SERVER).
    expect(result).toMatchObject({ verdict: 'broken', stage: 'x224', selectedProtocol: 'RDP', error: 'STANDARD_RDP_ONLY' });
  });

  it('an expired certificate (2020-2021) -> degraded, CERTIFICATE_EXPIRED', async () => {
    const server = await xrdp({ securityLayer: 'tls', certificate: fixturePath('expired-cert.pem'), keyFile: fixturePath('expired-key.pem') });
    const result = await probe(server);
    expect(result).toMatchObject({
      verdict: 'degraded',
      stage: 'done',
      error: 'CERTIFICATE_EXPIRED',
      certificate: { subject: 'CN=rdp-probe-test-expired', notAfter: '2021-01-01T00:00:00.000Z', expired: true },
    });
    expect(result.reason).toMatch(/expired on 2021-01-01/);
  });

  it('certificate file missing (security_layer=tls) -> broken, SSL_CERT_NOT_ON_SERVER', async () => {
    const server = await xrdp({ securityLayer: 'tls', certificate: fixturePath('no-such-cert.pem'), keyFile: valid.keyFile });
    const result = await probe(server);
    expect(result).toMatchObject({ verdict: 'broken', stage: 'x224', error: 'NEGOTIATION_FAILURE', negotiationFailure: 'SSL_CERT_NOT_ON_SERVER' });
  });

  it('a key that does not match the certificate -> broken with the internal-error signature', async () => {
    const server = await xrdp({ securityLayer: 'negotiate', certificate: valid.certificate, keyFile: fixturePath('mismatched-key.pem') });
    const result = await probe(server);
    expect(result).toMatchObject({ verdict: 'broken', stage: 'tls', selectedProtocol: 'SSL' });
    expect(INTERNAL_ERROR_SIGNATURE_ERRORS).toContain(result.error);
    expect(result.reason).toMatch(/"An internal error has occurred" signature/);
    expect(server.log()).toMatch(/do not match/);
  });

  it('only TLS 1.0 enabled -> degraded, LEGACY_TLS_ONLY after the retry', async () => {
    const server = await xrdp({ securityLayer: 'tls', ...valid, sslProtocols: 'TLSv1', tlsCiphers: 'DEFAULT:@SECLEVEL=0' });
    const result = await probe(server);
    expect(result).toMatchObject({ verdict: 'degraded', stage: 'done', tlsVersion: 'TLSv1', error: 'LEGACY_TLS_ONLY' });
  });

  it('server stopped -> unreachable, ECONNREFUSED', async () => {
    const server = await xrdp({ securityLayer: 'negotiate', ...valid });
    expect((await probe(server)).verdict).toBe('healthy');
    await server.stop();
    expect(await probe(server)).toMatchObject({ verdict: 'unreachable', stage: 'tcp', error: 'ECONNREFUSED' });
  });
});
