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
    const server = await xrdp({
      securityLayer: 'tls',
      certificate: fixturePath('expired-cert.pem'),
      keyFile: fixturePath('expired-key.pem'),
    });
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
    expect(result).toMatchObject({
      verdict: 'broken',
      stage: 'x224',
      error: 'NEGOTIATION_FAILURE',
      negotiationFailure: 'SSL_CERT_NOT_ON_SERVER',
    });
  });

  it('a key that does not match the certificate -> broken with the internal-error signature', async () => {
    const server = await xrdp({ securityLayer: 'negotiate', certificate: valid.certificate, keyFile: fixturePath('mismatched-key.pem') });
    const result = await probe(server);
    expect(result).toMatchObject({ verdict: 'broken', stage: 'tls', selectedProtocol: 'SSL' });
    expect(INTERNAL_ERROR_SIGNATURE_ERRORS).toContain(result.error);
    expect(result.reason).toMatch(/"An internal error has occurred" signature/);
    expect(server.log()).toMatch(/do not match/);
  });

  it.each([
    ['TLSv1', 'TLSv1'],
    ['TLSv1.1', 'TLSv1.1'],
  ])(
    'only %s enabled (@SECLEVEL=0) -> broken, LEGACY_TLS_ONLY after the retry, naming the legacy protocols',
    async (sslProtocols, tlsVersion) => {
      const server = await xrdp({ securityLayer: 'tls', ...valid, sslProtocols, tlsCiphers: 'DEFAULT:@SECLEVEL=0' });
      const mark = server.logMark();
      const result = await probe(server);
      expect(result).toMatchObject({ verdict: 'broken', ok: false, stage: 'done', tlsVersion, error: 'LEGACY_TLS_ONLY' });
      expect(result.reason).toMatch(
        new RegExp(
          `^TLS completed only with legacy ${tlsVersion.replace('.', '\\.')} .*TLS 1\\.0/1\\.1.*current clients .* fail to connect$`,
        ),
      );
      // The modern first attempt fails at the server as any current client would; the legacy retry then
      // completes and ends cleanly: exactly one SSL_accept failure, no failed read.
      const log = await server.logAfter(mark);
      expect(log.match(/SSL_accept: /g)).toHaveLength(1);
      expect(log).toMatch(/unsupported protocol/);
      expect(log).not.toMatch(/SSL_read|unexpected eof/);
    },
  );

  it.each([
    ['TLSv1.2', 'TLSv1.2'],
    ['TLSv1.3', 'TLSv1.3'],
  ])(
    "healthy over %s: the probe leaves no TLS failure in xrdp's log (client Finished flushed, close_notify, FIN)",
    async (sslProtocols, tlsVersion) => {
      const server = await xrdp({ securityLayer: 'negotiate', ...valid, sslProtocols });
      const mark = server.logMark();
      expect(await probe(server)).toMatchObject({ verdict: 'healthy', tlsVersion });
      const log = await server.logAfter(mark);
      // The handshake completed on the server's side and it went on to wait for the client's MCS data.
      expect(log).toMatch(/\[MCS Connection Sequence\] receive connection request/);
      // Destroying the socket at secureConnect left "SSL_accept: ... unexpected eof" (TLS 1.3: the client
      // Finished never arrived) or "SSL_read: ... unexpected eof" (TLS 1.2: no close_notify) here.
      expect(log).not.toMatch(/SSL_accept|SSL_read|SSL: error|unexpected eof/);
    },
  );

  it('server stopped -> unreachable, ECONNREFUSED', async () => {
    const server = await xrdp({ securityLayer: 'negotiate', ...valid });
    expect((await probe(server)).verdict).toBe('healthy');
    await server.stop();
    expect(await probe(server)).toMatchObject({ verdict: 'unreachable', stage: 'tcp', error: 'ECONNREFUSED' });
  });
});
