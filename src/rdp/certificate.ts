/**
 * The server certificate as the probe reports it, and how its validity stands against a given clock.
 * The clock is a parameter because the simulator runs on virtual time.
 */
import type { X509Certificate } from 'node:crypto';
import type { ProbeCertificate } from '../domain/rdpProbe';

const DAY_MS = 24 * 60 * 60 * 1000;

export type CertificateValidity =
  | { state: 'valid'; daysLeft: number }
  | { state: 'expires-soon'; daysLeft: number }
  | { state: 'expired' }
  | { state: 'not-yet-valid' };

export function describeCertificate(certificate: X509Certificate, now: Date): ProbeCertificate {
  const notBefore = certificate.validFromDate;
  const notAfter = certificate.validToDate;
  return {
    subject: oneLineName(certificate.subject),
    issuer: oneLineName(certificate.issuer),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    expired: now.getTime() > notAfter.getTime(),
    fingerprint: thumbprint(certificate.fingerprint),
    fingerprint256: thumbprint(certificate.fingerprint256),
  };
}

export function assessValidity(certificate: ProbeCertificate, now: Date, expiryWarningDays: number): CertificateValidity {
  const nowMs = now.getTime();
  const notBefore = Date.parse(certificate.notBefore);
  const notAfter = Date.parse(certificate.notAfter);
  if (nowMs > notAfter) return { state: 'expired' };
  if (nowMs < notBefore) return { state: 'not-yet-valid' };
  const daysLeft = Math.floor((notAfter - nowMs) / DAY_MS);
  if (notAfter - nowMs < expiryWarningDays * DAY_MS) return { state: 'expires-soon', daysLeft };
  return { state: 'valid', daysLeft };
}

/** Node separates RDN components with newlines; a report line needs them on one line. */
function oneLineName(name: string): string {
  return name
    .split('\n')
    .filter((part) => part.length > 0)
    .join(', ');
}

/** Windows shows thumbprints as upper-case hex without separators (Cert:\, SSLCertificateSHA1Hash). */
function thumbprint(colonHex: string): string {
  return colonHex.replace(/:/g, '').toUpperCase();
}
