/**
 * SIMULATED: `npm run bench` — every scenario through the whole app on the simulator, next to two baselines run
 * on the same simulator and latency model in the same process: the article's order as a blind policy, and for the
 * offline scenarios `az vm repair`'s sequence (src/simulator/bench/). Rows: time to RDP healthy, VM downtime,
 * restarts, ARM writes, each with its ratio to the baselines, the critical path and our ratio to it, and the
 * durable history and largest custom status of each repair. `--json` prints the same rows as JSON.
 * `--fleet N [--concurrency C ...]` runs the fleet incident instead (bench/fleet.ts). Prints figures; asserts nothing.
 */
// First: on an unsupported Node.js this stops before anything else loads.
import '../runtime/requireSupportedNode';
import { type ComparisonRow, compareScenario } from './bench/comparison';
import { printComparison } from './bench/report';
import { SCENARIOS } from './scenarios/catalog';

export async function runBench(names?: readonly string[]): Promise<ComparisonRow[]> {
  const rows: ComparisonRow[] = [];
  for (const scenario of SCENARIOS) {
    if (names && names.length > 0 && !names.includes(scenario.name)) continue;
    rows.push(await compareScenario(scenario));
  }
  return rows;
}

interface BenchArgs {
  json: boolean;
  fleet: number | null;
  /** With --fleet: the concurrency limits to run (default 10, 20, 50, 100). */
  concurrency: number[];
  scenarios: string[];
}

function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { json: false, fleet: null, concurrency: [], scenarios: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--json') args.json = true;
    else if (arg === '--fleet') {
      const n = Number(argv[i + 1]);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new Error('--fleet needs a whole number of VMs between 1 and 10000');
      args.fleet = n;
      i += 1;
    } else if (arg === '--concurrency') {
      const n = Number(argv[i + 1]);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error('--concurrency needs a whole number between 1 and 1000');
      args.concurrency.push(n);
      i += 1;
    } else if (arg === '--scenario') {
      args.scenarios.push(argv[i + 1] ?? '');
      i += 1;
    } else throw new Error(`unknown argument ${JSON.stringify(arg)} (use --json, --fleet N, --concurrency C, --scenario NAME)`);
  }
  return args;
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args.fleet !== null) {
    const { runFleetBench, printFleet } = await import('./bench/fleetBench');
    const began = Date.now();
    const results = await runFleetBench(args.fleet, args.concurrency.length > 0 ? args.concurrency : undefined);
    if (args.json) console.log(JSON.stringify(results, null, 2));
    else printFleet(results, Date.now() - began);
    return;
  }
  const rows = await runBench(args.scenarios);
  if (args.json) console.log(JSON.stringify(rows, null, 2));
  else printComparison(rows);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
