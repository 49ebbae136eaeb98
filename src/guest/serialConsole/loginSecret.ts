/**
 * The console login's secret: a Key Vault secret whose value is JSON `{"username": "...", "password": "...",
 * "domain": "..."}` (domain optional: `.` means the VM's own accounts, as Windows' LogonUser reads it). A value in
 * any other shape is refused with a message that never quotes it.
 */
import type { SacCredentials } from './sacClient';

export type ParsedSecret = { ok: true; credentials: SacCredentials } | { ok: false; problem: string };

/** SAC reads each answer as one line; a CR or LF inside one would end it early and type the rest as a command. */
const ONE_LINE = /^[^\r\n\0]+$/;

export function parseLoginSecret(value: string | undefined): ParsedSecret {
  if (value === undefined || value === '') return { ok: false, problem: 'the secret has no value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { ok: false, problem: 'the secret is not JSON of the form {"username": "...", "password": "..."}' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, problem: 'the secret is not a JSON object' };
  const { username, password, domain } = parsed as Record<string, unknown>;
  if (typeof username !== 'string' || !ONE_LINE.test(username) || username.length > 104) {
    return { ok: false, problem: 'the secret has no usable "username" (one line, at most 104 characters)' };
  }
  if (typeof password !== 'string' || !ONE_LINE.test(password) || password.length > 256) {
    return { ok: false, problem: 'the secret has no usable "password" (one line, at most 256 characters)' };
  }
  if (domain !== undefined && (typeof domain !== 'string' || !ONE_LINE.test(domain))) {
    return { ok: false, problem: 'the secret\'s "domain" must be one line of text when given' };
  }
  return { ok: true, credentials: { username, password, domain: typeof domain === 'string' ? domain : '.' } };
}
