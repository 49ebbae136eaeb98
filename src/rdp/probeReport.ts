/** The probe result as a few aligned lines for a person on call, and the exit code scripts branch on. */
import type { ProbeVerdict, RdpProbeResult } from '../domain/rdpProbe';

const EXIT_CODES: Readonly<Record<ProbeVerdict, number>> = {
  healthy: 0,
  degraded: 1,
  broken: 2,
  unreachable: 3,
  inconclusive: 4,
};

export function exitCodeFor(verdict: ProbeVerdict): number {
  return EXIT_CODES[verdict];
}

export function formatProbeResult(result: RdpProbeResult): string {
  const rows: Array<[string, string]> = [
    ['verdict', `${result.verdict.toUpperCase()}: ${result.reason}`],
    ['target', `${result.host}:${result.port}`],
    ['stage', result.stage],
    ['protocol', result.selectedProtocol ?? '-'],
  ];
  if (result.negotiationFailure !== null) rows.push(['negotiation', result.negotiationFailure]);
  rows.push(['tls', result.tlsVersion ?? '-']);
  const certificate = result.certificate;
  if (certificate === null) {
    rows.push(['certificate', '-']);
  } else {
    rows.push([
      'certificate',
      certificate.issuer === certificate.subject
        ? `${certificate.subject} (self-signed)`
        : `${certificate.subject} (issuer ${certificate.issuer})`,
    ]);
    rows.push(['validity', `${certificate.notBefore} to ${certificate.notAfter}${certificate.expired ? ' (EXPIRED)' : ''}`]);
    rows.push(['thumbprint', `${certificate.fingerprint} (SHA-1)`]);
  }
  if (result.error !== null) rows.push(['error', result.error]);
  rows.push(['elapsed', `${result.elapsedMs} ms`]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${label.padEnd(width)}${value}`).join('\n');
}
