/**
 * SIMULATED: the certificates the simulated RDP endpoint presents (committed PEM files, fixed dates, made
 * with test/fixtures/rdp/make-certificates.sh). tsc does not copy .pem files into dist/, so compiled code
 * looks for them back in the source tree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';

export type SimulatedCertificate = 'valid' | 'expired';

const contexts = new Map<SimulatedCertificate, SecureContext>();

export function simulatedSecureContext(which: SimulatedCertificate): SecureContext {
  let context = contexts.get(which);
  if (!context) {
    const dir = certificateDirectory();
    context = createSecureContext({
      cert: readFileSync(join(dir, `${which}-cert.pem`)),
      key: readFileSync(join(dir, `${which}-key.pem`)),
    });
    contexts.set(which, context);
  }
  return context;
}

function certificateDirectory(): string {
  const candidates = [join(__dirname, 'certs'), resolve(__dirname, '..', '..', '..', 'src', 'simulator', 'certs')];
  const found = candidates.find((dir) => existsSync(join(dir, 'valid-cert.pem')));
  if (!found) throw new Error(`simulated RDP certificates not found in ${candidates.join(' or ')}`);
  return found;
}
