import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assessValidity, describeCertificate } from '../../src/rdp/certificate';

const fixture = (name: string): X509Certificate => new X509Certificate(readFileSync(join(__dirname, '..', 'fixtures', 'rdp', name)));

describe('describeCertificate', () => {
  it('reports subject, issuer, dates and Windows-style thumbprints of the valid fixture', () => {
    const described = describeCertificate(fixture('valid-cert.pem'), new Date('2026-01-05T00:00:00Z'));
    expect(described).toEqual({
      subject: 'CN=rdp-probe-test-valid',
      issuer: 'CN=rdp-probe-test-valid',
      notBefore: '2025-01-01T00:00:00.000Z',
      notAfter: '2099-12-31T23:59:59.000Z',
      expired: false,
      // openssl x509 -noout -fingerprint -sha1 -in test/fixtures/rdp/valid-cert.pem
      fingerprint: 'CAF6A165F97473E73A393C742E4C4F31C5C3B7F4',
      fingerprint256: expect.stringMatching(/^[0-9A-F]{64}$/),
    });
  });

  it('marks the expired fixture expired against the given clock, not the wall clock', () => {
    expect(describeCertificate(fixture('expired-cert.pem'), new Date('2026-01-05T00:00:00Z')).expired).toBe(true);
    expect(describeCertificate(fixture('expired-cert.pem'), new Date('2020-06-01T00:00:00Z')).expired).toBe(false);
  });
});

describe('assessValidity', () => {
  const certificate = describeCertificate(fixture('valid-cert.pem'), new Date());
  it.each([
    ['2026-01-05T00:00:00Z', 14, { state: 'valid', daysLeft: 27023 }],
    ['2099-12-17T23:59:59Z', 14, { state: 'valid', daysLeft: 14 }],
    ['2099-12-18T00:00:00Z', 14, { state: 'expires-soon', daysLeft: 13 }],
    ['2099-12-01T00:00:00Z', 31, { state: 'expires-soon', daysLeft: 30 }],
    ['2099-12-01T00:00:00Z', 0, { state: 'valid', daysLeft: 30 }],
    ['2099-12-31T23:59:59Z', 14, { state: 'expires-soon', daysLeft: 0 }],
    ['2100-01-01T00:00:00Z', 14, { state: 'expired' }],
    ['2024-12-31T23:59:59Z', 14, { state: 'not-yet-valid' }],
  ])('at %s with a %i-day window', (now, window, expected) => {
    expect(assessValidity(certificate, new Date(now), window)).toEqual(expected);
  });
});
