/**
 * Command-line arguments of the operator's probe: `<host> [port] [--json] [--timeout-ms N]`.
 * Pure, so every malformed command line is a tested message instead of a stack trace.
 */
export const PROBE_USAGE = 'usage: npm run probe -- <host> [port] [--json] [--timeout-ms N]';

export type ProbeArgs =
  | { kind: 'run'; host: string; port: number | undefined; json: boolean; timeoutMs: number | undefined }
  | { kind: 'help' }
  | { kind: 'invalid'; message: string };

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function parseProbeArgs(argv: readonly string[]): ProbeArgs {
  const positional: string[] = [];
  let json = false;
  let timeoutMs: number | undefined;
  let optionsEnded = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
    } else if (arg === '--help' || arg === '-h') {
      return { kind: 'help' };
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--timeout-ms' || arg.startsWith('--timeout-ms=')) {
      const value = arg === '--timeout-ms' ? argv[++index] : arg.slice('--timeout-ms='.length);
      if (value === undefined) return { kind: 'invalid', message: '--timeout-ms needs a number of milliseconds' };
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_TIMEOUT_MS) {
        return {
          kind: 'invalid',
          message: `--timeout-ms must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, not "${value}"`,
        };
      }
      timeoutMs = Number(value);
    } else {
      return { kind: 'invalid', message: `unknown option ${arg}` };
    }
  }
  if (positional.length === 0) return { kind: 'invalid', message: 'missing <host>' };
  if (positional.length > 2) return { kind: 'invalid', message: `unexpected argument "${positional[2]}"` };
  const [host, portText] = positional;
  if (host.trim() === '' || /\s/.test(host)) return { kind: 'invalid', message: `"${host}" is not a host name or address` };
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      return { kind: 'invalid', message: `port must be a number from 1 to 65535, not "${portText}"` };
    }
    port = Number(portText);
  }
  return { kind: 'run', host, port, json, timeoutMs };
}
