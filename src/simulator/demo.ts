/**
 * SIMULATED: `npm run demo -- [--scenario NAME] [--windows-build N] [--via http|alert] [--list] [--json] [--watch]`.
 * One full repair on simulated Azure through the real HTTP handlers: POST /api/repairs, then GET the status
 * while the durable host emulator runs the real orchestrator, printing the timeline as it moves (times are
 * simulated), then the final report. With --json the last line is the final status, as GET returns it.
 * With --via alert the repair is started instead by a sample Connection Monitor alert delivered through the real
 * Event Grid trigger (src/simulator/alertDelivery.ts), then followed by GET the same way.
 * --windows-build picks the simulated Windows Server build (src/simulator/guest/windowsBuilds.ts; 20348 by
 * default): its key container ACLs, service grouping, SCHANNEL and NLA defaults.
 * --approve-each starts the repair with approval beforeDisruptive and, at each gate, prints what the repair waits
 * for (step, planned changes, expiry), then approves that step through POST /api/repairs/{id}/approve.
 * --watch runs the watch instead (src/simulator/watchDemo.ts): rounds, the published event, the repair it starts.
 */
// First: on an unsupported Node.js this stops before anything else loads.
import '../runtime/requireSupportedNode';
import { ALERT_DEMO_SETTINGS, runRepairFromAlert } from './alertDelivery';
import { sampleAlertEventFor } from './sampleAlerts';
import { DEFAULT_WINDOWS_BUILD, isWindowsBuild, WINDOWS_BUILDS, type WindowsBuild } from './guest/windowsBuilds';
import { SCENARIOS, findScenario, onWindowsBuild } from './scenarios/catalog';
import { SimulatedRepairApp } from './simulatedRepairApp';
import { runWatchDemo } from './watchDemo';

interface DemoArgs {
  scenario: string;
  windowsBuild: WindowsBuild;
  list: boolean;
  json: boolean;
  via: 'http' | 'alert';
  approveEach: boolean;
  watch: boolean;
}

const DEFAULT_SCENARIO = 'nsg-open-to-world';

export function parseDemoArgs(argv: readonly string[]): { ok: true; args: DemoArgs } | { ok: false; message: string } {
  const args: DemoArgs = {
    scenario: DEFAULT_SCENARIO,
    windowsBuild: DEFAULT_WINDOWS_BUILD,
    list: false,
    json: false,
    via: 'http',
    approveEach: false,
    watch: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--list') args.list = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--approve-each') args.approveEach = true;
    else if (arg === '--watch') args.watch = true;
    else if (arg === '--scenario') {
      const value = argv[i + 1];
      if (!value || value.startsWith('--')) return { ok: false, message: '--scenario needs a name (see --list)' };
      args.scenario = value;
      i += 1;
    } else if (arg.startsWith('--scenario=')) args.scenario = arg.slice('--scenario='.length);
    else if (arg === '--windows-build' || arg.startsWith('--windows-build=')) {
      const value = arg === '--windows-build' ? argv[++i] : arg.slice('--windows-build='.length);
      const build = value !== undefined && /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!isWindowsBuild(build)) return { ok: false, message: `--windows-build needs one of ${WINDOWS_BUILDS.join(', ')}` };
      args.windowsBuild = build;
    } else if (arg === '--via' || arg.startsWith('--via=')) {
      const value = arg === '--via' ? argv[++i] : arg.slice('--via='.length);
      if (value !== 'http' && value !== 'alert') return { ok: false, message: "--via needs 'http' or 'alert'" };
      args.via = value;
    } else return { ok: false, message: `unknown argument '${arg}'` };
  }
  if (args.approveEach && args.via === 'alert') {
    return { ok: false, message: '--approve-each runs with --via http (set ALERT_APPROVAL_DEFAULT for alert-started repairs)' };
  }
  return { ok: true, args };
}

function clockOffset(startMs: number, iso: string | null | undefined): string {
  if (!iso) return '        ';
  const seconds = Math.max(0, Math.round((Date.parse(iso) - startMs) / 1000));
  return `T+${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

export async function runDemo(
  argv: readonly string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const parsed = parseDemoArgs(argv);
  if (!parsed.ok) {
    err(`demo: ${parsed.message}`);
    err('usage: npm run demo -- [--scenario NAME] [--windows-build N] [--via http|alert] [--approve-each] [--list] [--json] [--watch]');
    return 64;
  }
  const { args } = parsed;
  if (args.watch) return runWatchDemo(out);
  if (args.list) {
    for (const s of SCENARIOS) out(`${s.name.padEnd(20)} ${s.expectedOutcome.padEnd(15)} ${s.title}`);
    return 0;
  }
  const named = findScenario(args.scenario);
  if (!named) {
    err(`demo: no scenario named '${args.scenario}'. Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 64;
  }
  const scenario = onWindowsBuild(named, args.windowsBuild);

  const app = await SimulatedRepairApp.start(args.via === 'alert' ? { settings: ALERT_DEMO_SETTINGS } : {});
  try {
    const seeded = await app.addScenario(scenario);
    const startMs = app.clock.nowMs();
    out(`SIMULATED Azure: no real resources are touched.`);
    out(`Scenario ${scenario.name} on simulated Windows build ${args.windowsBuild}: ${scenario.title}`);
    out(`  ${scenario.story}`);
    const printed = new Map<string, string>();
    const onStatus = (current: any) => {
      const seen = new Map<string, number>();
      for (const entry of current.timeline ?? []) {
        const at = entry.endedAt ?? app.clock.now().toISOString();
        const line = `${clockOffset(startMs, at)}  ${entry.step.padEnd(16)} ${entry.status.padEnd(9)} ${entry.detail}`;
        // An entry is its step and start (a long status folds old steps and shortens texts); running ones show
        // their progress, an ended one is printed once.
        const base = `${entry.step}@${entry.startedAt}`;
        const nth = (seen.get(base) ?? 0) + 1;
        seen.set(base, nth);
        const id = `${base}#${nth}`;
        const shown = entry.status === 'running' ? `running ${entry.detail}` : 'ended';
        if (printed.get(id) !== shown) {
          printed.set(id, shown);
          out(`  ${line}`);
        }
      }
    };
    let id: string;
    let status: any;
    if (args.via === 'alert') {
      const event = sampleAlertEventFor(seeded.vmId, app.clock.now());
      out(`Settings: ALERT_ALLOWED_SOURCE_CIDRS=${ALERT_DEMO_SETTINGS.ALERT_ALLOWED_SOURCE_CIDRS} (where the operators let RDP come from)`);
      out(
        `Event Grid event ${String(event.eventType)}: Connection Monitor alert 'rdp-checks-failing' (Sev1, ` +
          `ChecksFailedPercent) for ${seeded.vmId}`,
      );
      const run = await runRepairFromAlert(app, event, seeded.vmId, {
        onDelivered: (delivery) => {
          for (const entry of delivery.logs) out(`  handler: ${entry.message}`);
        },
        onStatus,
      });
      if (!run.id) {
        out(`-> no repair started${run.delivery.error ? `: ${run.delivery.error}` : ''}`);
        return 1;
      }
      out(`-> repair ${run.id} was started by the alert`);
      id = run.id;
      status = run.status;
    } else if (args.approveEach) {
      const body = { ...seeded.request, approval: 'beforeDisruptive' };
      out(`POST /api/repairs ${JSON.stringify(body)}`);
      const start = await app.http('POST', '/api/repairs', body);
      if (start.status !== 202) {
        out(`-> ${start.status} ${JSON.stringify(start.body)}`);
        return 1;
      }
      out(`-> 202 Accepted, repair ${start.body.id}`);
      id = start.body.id;
      status = await followApprovingEach(app, id, (current) => onStatus(current), out, startMs);
    } else {
      out(`POST /api/repairs ${JSON.stringify(seeded.request)}`);
      const { start, status: final } = await app.runRepair(seeded.request, onStatus);
      if (start.status !== 202) {
        out(`-> ${start.status} ${JSON.stringify(start.body)}`);
        return 1;
      }
      out(`-> 202 Accepted, repair ${start.body.id}`);
      id = start.body.id;
      status = final;
    }
    const stats = app.emulator.stats(id);
    const arm = app.arm.stats();
    out('');
    if (status.source?.kind === 'alert') out(`Started by alert ${status.source.rule ?? ''} (${status.source.alertId})`);
    out(`Outcome: ${status.outcome.kind}: ${status.outcome.reason}`);
    for (const advice of status.outcome.advice) out(`  advice: ${advice}`);
    if (status.findings.length > 0) out('Findings:');
    for (const f of status.findings) out(`  [${f.severity}] ${f.message}${f.advice ? ` -> ${f.advice}` : ''}`);
    if (status.changes.length > 0) out('Changes made (before -> after):');
    for (const c of status.changes)
      out(`  ${c.resourceId.split('/providers/')[1]} ${c.property}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`);
    if (status.plannedChanges.length > 0 && status.changes.length === 0) out('Planned changes (not made):');
    for (const c of status.changes.length === 0 ? status.plannedChanges : [])
      out(`  ${c.resourceId.split('/providers/')[1]} ${c.property}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`);
    if (status.artifacts?.snapshotId) out(`Snapshot kept: ${status.artifacts.snapshotId}`);
    const simulatedSeconds = Math.round((Date.parse(status.lastUpdatedTime) - startMs) / 1000);
    out(
      `Simulated time ${Math.floor(simulatedSeconds / 60)}m${String(simulatedSeconds % 60).padStart(2, '0')}s; ARM ` +
        `${arm.reads} reads, ${arm.writes} writes; ${stats.historyEvents} history events, ${stats.episodes} orchestrator ` +
        `episodes.`,
    );
    if (args.json) out(JSON.stringify(status));
    return 0;
  } finally {
    await app.close();
  }
}

/** Drives the repair; at each new gate prints what it waits for, then approves exactly that step. */
async function followApprovingEach(
  app: SimulatedRepairApp,
  id: string,
  onStatus: (status: any) => void,
  out: (line: string) => void,
  startMs: number,
): Promise<any> {
  let answered = '';
  for (let steps = 0; steps < 5000; steps += 1) {
    const current = (await app.http('GET', `/api/repairs/${encodeURIComponent(id)}`)).body;
    onStatus(current);
    if (['Completed', 'Failed', 'Terminated'].includes(current.runtimeStatus)) return current;
    const gate = current.waitingFor;
    if (gate && `${gate.step}@${gate.since}` !== answered) {
      answered = `${gate.step}@${gate.since}`;
      out(`  ${clockOffset(startMs, gate.since)}  WAITING for approval of ${gate.step} (expires ${gate.expiresAt}); planned:`);
      for (const c of gate.plannedChanges)
        out(`             ${c.property}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)} (${c.reason})`);
      const approved = await app.http('POST', `/api/repairs/${encodeURIComponent(id)}/approve`, { step: gate.step });
      out(`           POST /api/repairs/${id}/approve {"step":"${gate.step}"} -> ${approved.status} (by ${approved.body.by ?? '?'})`);
    }
    if (!(await app.emulator.step())) throw new Error(`the repair stalled (waiting on ${app.emulator.waitingOn(id).join(', ')})`);
  }
  throw new Error('the repair did not finish within 5000 emulator steps');
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
