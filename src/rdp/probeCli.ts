/**
 * Operator entry point: `npm run probe -- <host> [port] [--json] [--timeout-ms N]`.
 * Exit codes: 0 healthy, 1 degraded, 2 broken, 3 unreachable, 64 bad arguments (EX_USAGE).
 * `--timeout-ms` sets each stage's deadline (connect, Connection Confirm, TLS), not the total.
 */
import type { RdpProbeResult } from '../domain/rdpProbe';
import { probeRdp, type ProbeOptions } from './probe';
import { parseProbeArgs, PROBE_USAGE } from './probeArgs';
import { exitCodeFor, formatProbeResult } from './probeReport';

export const EXIT_USAGE = 64;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export async function main(
  argv: readonly string[],
  io: CliIo = processIo,
  probe: (options: ProbeOptions) => Promise<RdpProbeResult> = probeRdp,
): Promise<number> {
  const args = parseProbeArgs(argv);
  if (args.kind === 'help') {
    io.stdout(`${PROBE_USAGE}\n`);
    return 0;
  }
  if (args.kind === 'invalid') {
    io.stderr(`probe: ${args.message}\n${PROBE_USAGE}\n`);
    return EXIT_USAGE;
  }
  const timeouts =
    args.timeoutMs === undefined ? {} : { connectTimeoutMs: args.timeoutMs, confirmTimeoutMs: args.timeoutMs, tlsTimeoutMs: args.timeoutMs };
  const result = await probe({ host: args.host, port: args.port, ...timeouts });
  io.stdout(args.json ? `${JSON.stringify(result)}\n` : `${formatProbeResult(result)}\n`);
  return exitCodeFor(result.verdict);
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    // exitCode rather than exit(): stdout may still be draining into a pipe.
    process.exitCode = code;
  });
}
