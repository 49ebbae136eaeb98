/**
 * SIMULATED: `npm run bench` — every scenario once through the whole app on the simulator, with the figures an
 * operator would ask about: simulated time to finish, VM restarts, ARM reads and writes, Run Command runs,
 * durable history size, and the real time the run took here. Prints figures; asserts nothing.
 */
// First: on an unsupported Node.js this stops before anything else loads.
import '../runtime/requireSupportedNode';
import { SCENARIOS } from './scenarios/catalog';
import { SimulatedRepairApp } from './simulatedRepairApp';

interface Row {
  scenario: string;
  outcome: string;
  simulated: string;
  restarts: number;
  armReads: number;
  armWrites: number;
  runCommands: number;
  historyEvents: number;
  episodes: number;
  realMs: number;
}

function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export async function runBench(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const scenario of SCENARIOS) {
    const started = Date.now();
    const app = await SimulatedRepairApp.start();
    try {
      const seeded = await app.addScenario(scenario);
      const t0 = app.clock.nowMs();
      const { start, status } = await app.runRepair(seeded.request);
      const stats = app.emulator.stats(start.body.id);
      const arm = app.arm.stats();
      rows.push({
        scenario: scenario.name,
        outcome: status.outcome.kind,
        simulated: minutes(Date.parse(status.lastUpdatedTime) - t0),
        restarts: status.restarts,
        armReads: arm.reads,
        armWrites: arm.writes,
        runCommands: status.guestRuns.length,
        historyEvents: stats.historyEvents,
        episodes: stats.episodes,
        realMs: Date.now() - started,
      });
    } finally {
      await app.close();
    }
  }
  return rows;
}

if (require.main === module) {
  runBench().then(
    (rows) => {
      const header = [
        'scenario',
        'outcome',
        'simulated',
        'restarts',
        'armReads',
        'armWrites',
        'runCommands',
        'historyEvents',
        'episodes',
        'realMs',
      ] as const;
      console.log(`| ${header.join(' | ')} |`);
      console.log(`|${header.map(() => '---').join('|')}|`);
      for (const row of rows) console.log(`| ${header.map((h) => String(row[h])).join(' | ')} |`);
    },
    (error: unknown) => {
      console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
