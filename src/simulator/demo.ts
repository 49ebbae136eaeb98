/**
 * SIMULATED: `npm run demo -- [--scenario NAME] [--list] [--json]`.
 * One full repair on simulated Azure through the real HTTP handlers: POST /api/repairs, then GET the status
 * while the durable host emulator runs the real orchestrator, printing the timeline as it moves (times are
 * simulated), then the final report. With --json the last line is the final status, as GET returns it.
 */
import { SCENARIOS, findScenario } from './scenarios/catalog';
import { SimulatedRepairApp } from './simulatedRepairApp';

interface DemoArgs {
  scenario: string;
  list: boolean;
  json: boolean;
}

const DEFAULT_SCENARIO = 'nsg-open-to-world';

export function parseDemoArgs(argv: readonly string[]): { ok: true; args: DemoArgs } | { ok: false; message: string } {
  const args: DemoArgs = { scenario: DEFAULT_SCENARIO, list: false, json: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--list') args.list = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--scenario') {
      const value = argv[i + 1];
      if (!value || value.startsWith('--')) return { ok: false, message: '--scenario needs a name (see --list)' };
      args.scenario = value;
      i += 1;
    } else if (arg.startsWith('--scenario=')) args.scenario = arg.slice('--scenario='.length);
    else return { ok: false, message: `unknown argument '${arg}'` };
  }
  return { ok: true, args };
}

function clockOffset(startMs: number, iso: string | null | undefined): string {
  if (!iso) return '        ';
  const seconds = Math.max(0, Math.round((Date.parse(iso) - startMs) / 1000));
  return `T+${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

export async function runDemo(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const parsed = parseDemoArgs(argv);
  if (!parsed.ok) {
    err(`demo: ${parsed.message}`);
    err('usage: npm run demo -- [--scenario NAME] [--list] [--json]');
    return 64;
  }
  const { args } = parsed;
  if (args.list) {
    for (const s of SCENARIOS) out(`${s.name.padEnd(20)} ${s.expectedOutcome.padEnd(15)} ${s.title}`);
    return 0;
  }
  const scenario = findScenario(args.scenario);
  if (!scenario) {
    err(`demo: no scenario named '${args.scenario}'. Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 64;
  }

  const app = await SimulatedRepairApp.start();
  try {
    const seeded = await app.addScenario(scenario);
    const startMs = app.clock.nowMs();
    out(`SIMULATED Azure: no real resources are touched.`);
    out(`Scenario ${scenario.name}: ${scenario.title}`);
    out(`  ${scenario.story}`);
    out(`POST /api/repairs ${JSON.stringify(seeded.request)}`);

    const printed = new Map<string, string>();
    const { start, status } = await app.runRepair(seeded.request, (current) => {
      (current.timeline ?? []).forEach((entry: any, index: number) => {
        const at = entry.endedAt ?? app.clock.now().toISOString();
        const line = `${clockOffset(startMs, at)}  ${entry.step.padEnd(16)} ${entry.status.padEnd(9)} ${entry.detail}`;
        const key = `${entry.status} ${entry.detail}`;
        if (printed.get(String(index)) !== key) {
          printed.set(String(index), key);
          out(`  ${line}`);
        }
      });
    });
    if (start.status !== 202) {
      out(`-> ${start.status} ${JSON.stringify(start.body)}`);
      return 1;
    }
    out(`-> 202 Accepted, repair ${start.body.id}`);
    const stats = app.emulator.stats(start.body.id);
    const arm = app.arm.stats();
    out('');
    out(`Outcome: ${status.outcome.kind}: ${status.outcome.reason}`);
    for (const advice of status.outcome.advice) out(`  advice: ${advice}`);
    if (status.findings.length > 0) out('Findings:');
    for (const f of status.findings) out(`  [${f.severity}] ${f.message}${f.advice ? ` -> ${f.advice}` : ''}`);
    if (status.changes.length > 0) out('Changes made (before -> after):');
    for (const c of status.changes) out(`  ${c.resourceId.split('/providers/')[1]} ${c.property}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`);
    if (status.plannedChanges.length > 0 && status.changes.length === 0) out('Planned changes (not made):');
    for (const c of status.changes.length === 0 ? status.plannedChanges : []) out(`  ${c.resourceId.split('/providers/')[1]} ${c.property}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`);
    if (status.artifacts?.snapshotId) out(`Snapshot kept: ${status.artifacts.snapshotId}`);
    const simulatedSeconds = Math.round((Date.parse(status.lastUpdatedTime) - startMs) / 1000);
    out(`Simulated time ${Math.floor(simulatedSeconds / 60)}m${String(simulatedSeconds % 60).padStart(2, '0')}s; ARM ${arm.reads} reads, ${arm.writes} writes; ${stats.historyEvents} history events, ${stats.episodes} orchestrator episodes.`);
    if (args.json) out(JSON.stringify(status));
    return 0;
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  runDemo(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
