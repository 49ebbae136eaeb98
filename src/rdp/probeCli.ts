/**
 * Operator entry point: `npm run probe -- <host> [port] [--json] [--timeout-ms N]`.
 * Exit codes: 0 healthy, 1 degraded, 2 broken, 3 unreachable, 4 inconclusive (the probe could not judge),
 * 64 bad arguments (EX_USAGE), 78 unsupported Node.js.
 * `--timeout-ms` sets each stage's deadline (connect, Connection Confirm, TLS), not the total.
 */
// First: on an unsupported Node.js this stops before anything else loads.
import '../runtime/requireSupportedNode';
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
    args.timeoutMs === undefined
      ? {}
      : { connectTimeoutMs: args.timeoutMs, confirmTimeoutMs: args.timeoutMs, tlsTimeoutMs: args.timeoutMs };
  let output: string;
  let verdict: RdpProbeResult['verdict'];
  try {
    const result = await probe({ host: args.host, port: args.port, ...timeouts });
    output = args.json ? JSON.stringify(result) : formatProbeResult(result);
    verdict = result.verdict;
  } catch (error) {
    // probeRdp never rejects; anything here is a defect of this program, not an answer from the host.
    io.stderr(`probe: could not judge ${args.host}: the probe failed itself (${error instanceof Error ? error.message : String(error)})\n`);
    return exitCodeFor('inconclusive');
  }
  io.stdout(`${output}\n`);
  return exitCodeFor(verdict);
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    // exitCode rather than exit(): stdout may still be draining into a pipe.
    process.exitCode = code;
  });
}
