/**
 * The operator CLI's commands, on commander (argument parsing, help, typo suggestions). Every action resolves to an
 * exit code; every failure is a CliError printed as one line (as JSON on stderr with --json). IO and the
 * environment are passed in so the tests run the same program in process.
 */
import { Command, CommanderError, Option } from 'commander';
import { DISRUPTIVE_STEPS } from '../domain/approval';
import { APPROVAL_MODES } from '../domain/approval';
import { OFFLINE_MODES } from '../domain/offlineRepair';
import { CliError } from './cliError';
import { EXIT, EXIT_CODE_TABLE, exitCodeForOutcome } from './exitCodes';
import { followRepair } from './follow';
import { httpTransport } from './httpTransport';
import { formatStatus } from './progress';
import { RepairApiClient, type StatusBody } from './repairApiClient';
import { seconds, type StartFlags, startRequestBody, wholeNumber } from './startRequest';
import type { Transport } from './transport';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: --follow draws its live line there. */
  errIsTty: boolean;
  env: Record<string, string | undefined>;
  /** Resolves when the operator stops a long-running command (`simulate`): Ctrl-C in the bin. */
  untilInterrupted(): Promise<void>;
}

interface GlobalFlags {
  url?: string;
  key?: string;
  json?: boolean;
  simulated?: boolean;
  scenario?: string;
  requestTimeout: string;
}

interface FollowFlags {
  follow?: boolean;
  interval: string;
  timeout?: string;
}

const DEFAULT_SCENARIO = 'nsg-open-to-world';

function exitCodeHelp(): string {
  return `\nExit codes:\n${EXIT_CODE_TABLE.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join('\n')}\n`;
}

/** The connection every command but `scenarios` needs: the simulator (start only) or the app at --url. */
async function connect(flags: GlobalFlags, io: CliIo, command: string): Promise<{ transport: Transport; client: RepairApiClient }> {
  if (flags.simulated) {
    throw new CliError(
      `--simulated runs one scenario inside this command, so only \`start --simulated\` can use it (add --follow to watch it); ` +
        `to try ${command} against the simulator, run \`rdp-autorepair simulate\` and pass the URL it prints with --url`,
      EXIT.usage,
      'BadArgument',
    );
  }
  if (flags.scenario !== undefined) throw new CliError('--scenario needs --simulated', EXIT.usage, 'BadArgument');
  const url = flags.url ?? io.env.RDP_AUTOREPAIR_URL;
  if (!url) {
    throw new CliError(
      "no app URL: pass --url https://<app>.azurewebsites.net or set RDP_AUTOREPAIR_URL (or use 'start --simulated')",
      EXIT.usage,
      'BadArgument',
    );
  }
  const key = flags.key ?? io.env.RDP_AUTOREPAIR_KEY;
  const transport = httpTransport({ baseUrl: url, key, requestTimeoutMs: seconds('--request-timeout', flags.requestTimeout, 1, 600) });
  return { transport, client: new RepairApiClient(transport, Boolean(key)) };
}

function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Follows the repair and reports its end; the exit code says the outcome. */
async function followAndReport(
  client: RepairApiClient,
  transport: Transport,
  id: string,
  flags: GlobalFlags & FollowFlags,
  io: CliIo,
): Promise<number> {
  // Progress goes to stderr when stdout carries the JSON, so stdout stays one JSON document.
  const progressOut = flags.json ? io.err : io.out;
  const tty = io.errIsTty;
  let liveShown = false;
  const final: StatusBody = await followRepair(client, transport, id, {
    intervalMs: seconds('--interval', flags.interval, 0.01, 3600),
    timeoutMs: flags.timeout === undefined ? undefined : seconds('--timeout', flags.timeout, 1, 7 * 24 * 3600),
    tty,
    line: (text) => progressOut(`${text}\n`),
    live: (text) => {
      if (!tty) return;
      if (liveShown || text === null) io.err('\r\u001b[2K');
      if (text !== null) io.err(text);
      liveShown = text !== null;
    },
  });
  if (flags.json) printJson(io, final);
  else io.out(`\n${formatStatus(final).join('\n')}\n`);
  return exitCodeForOutcome(final.outcome?.kind);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function followOptions(command: Command): Command {
  return command
    .option('--interval <seconds>', 'seconds between two status polls', '5')
    .option('--timeout <seconds>', 'stop following after this long (the repair goes on in the app)');
}

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('rdp-autorepair')
    .description('Start, watch and decide on RDP repairs of Azure VMs run by a deployed rdp-autorepair app.')
    .option('--url <url>', "the app's base URL, e.g. https://<app>.azurewebsites.net (env RDP_AUTOREPAIR_URL)")
    .option('--key <key>', 'a function key, sent as x-functions-key (env RDP_AUTOREPAIR_KEY; prefer it: flags show in ps)')
    .option('--json', 'print the API response (or the final status) as JSON on stdout, progress and errors on stderr')
    .addOption(
      new Option('--simulated', 'SIMULATED: start runs on the built-in simulator in this process; no Azure resource is touched').conflicts([
        'url',
        'key',
      ]),
    )
    .option('--scenario <name>', `with --simulated: the seeded scenario (see \`scenarios\`; default ${DEFAULT_SCENARIO})`)
    .option('--request-timeout <seconds>', 'deadline of each HTTP request', '30')
    .showHelpAfterError('(run rdp-autorepair --help for usage)')
    .addHelpText('after', exitCodeHelp())
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  const globals = (command: Command) => command.optsWithGlobals<GlobalFlags & FollowFlags>();

  followOptions(
    program
      .command('start')
      .description('start a repair of a VM (or with --diagnose, a read-only diagnosis)')
      .argument('[vm-id]', 'the VM ARM id /subscriptions/<s>/resourceGroups/<g>/providers/Microsoft.Compute/virtualMachines/<name>')
      .option('--diagnose', 'diagnose only: read, probe and report, change nothing')
      .option('--follow', 'show progress until the repair ends; exit with the outcome code')
      // Repeated rather than variadic: a variadic option would swallow the vm-id written after it.
      .option('--allow-source <cidr>', 'an address range RDP is restricted to if the NSG admits the Internet (repeat it)', collect, [])
      .option('--rdp-port <port>', "the VM's RDP port (default: read from the guest, else 3389)")
      .addOption(new Option('--approval <mode>', 'beforeDisruptive waits for approve before each disruptive step').choices(APPROVAL_MODES))
      .addOption(new Option('--offline <mode>', 'the offline disk repair with a rescue VM').choices(OFFLINE_MODES))
      .option('--rescue-vm <id>', 'the rescue VM ARM id for the offline repair')
      .option('--allow-legacy-tls', 'when TLS is repaired, also enable TLS 1.0/1.1 Server (a security regression; old clients only)'),
  ).action(async (vmArg: string | undefined, _flags: StartFlags, command: Command) => {
    const flags = globals(command) as GlobalFlags & FollowFlags & StartFlags;
    let connection: { transport: Transport; client: RepairApiClient };
    let body: Record<string, unknown>;
    if (flags.simulated) {
      const { startSimulatedSession } = await import('./simulatedTransport');
      const session = await startSimulatedSession(flags.scenario ?? DEFAULT_SCENARIO);
      if (
        vmArg !== undefined &&
        vmArg.toLowerCase() !== session.vmId.toLowerCase() &&
        !session.vmId.toLowerCase().endsWith(`/${vmArg.toLowerCase()}`)
      ) {
        await session.transport.close();
        throw new CliError(
          `scenario ${session.scenario} seeds ${session.vmId}; give that id, its name, or no vm-id`,
          EXIT.usage,
          'BadArgument',
        );
      }
      connection = { transport: session.transport, client: new RepairApiClient(session.transport, false) };
      body = startRequestBody(session.vmId, flags, session.request);
      if (!flags.json) io.out(`SIMULATED: scenario ${session.scenario}, VM ${session.vmId}; no Azure resource is touched.\n`);
    } else {
      if (vmArg === undefined) throw new CliError('start needs the VM ARM id: rdp-autorepair start <vm-id>', EXIT.usage, 'BadArgument');
      connection = await connect(flags, io, 'start');
      body = startRequestBody(vmArg, flags);
    }
    const { transport, client } = connection;
    try {
      const started = await client.start(body);
      if (!flags.follow) {
        if (flags.json) printJson(io, started);
        else
          io.out(
            `Repair ${started.id} started for ${started.vmResourceId} (${started.mode}).\n` +
              `Follow it: rdp-autorepair status ${started.id} --follow\n`,
          );
        setExit(EXIT.ok);
        return;
      }
      if (!flags.json) io.out(`Repair ${started.id} started for ${started.vmResourceId} (${started.mode}).\n`);
      setExit(await followAndReport(client, transport, started.id, flags, io));
    } finally {
      await transport.close();
    }
  });

  followOptions(
    program
      .command('status')
      .description("show a repair's status (with --follow, until it ends)")
      .argument('<id>', 'the repair id (rdprepair-<vm name>-<16 hex digits>)')
      .option('--follow', 'show progress until the repair ends; exit with the outcome code'),
  ).action(async (id: string, _flags: unknown, command: Command) => {
    const flags = globals(command);
    const { transport, client } = await connect(flags, io, 'status');
    if (flags.follow) return setExit(await followAndReport(client, transport, id, flags, io));
    const status = await client.status(id);
    if (flags.json) printJson(io, status);
    else io.out(`${formatStatus(status).join('\n')}\n`);
    setExit(EXIT.ok);
  });

  program
    .command('approve')
    .description('approve the step a repair waits at (started with --approval beforeDisruptive)')
    .argument('<id>', 'the repair id')
    .addOption(
      new Option('--step <name>', 'approve this step, also ahead of its gate (default: the step it waits at now)').choices(
        DISRUPTIVE_STEPS,
      ),
    )
    .addOption(new Option('--all', 'approve every disruptive step of this repair').conflicts('step'))
    .action(async (id: string, _flags: unknown, command: Command) => {
      const flags = globals(command) as GlobalFlags & { step?: string; all?: boolean };
      const step = flags.all ? 'all' : (flags.step ?? (await stepWaitedAt(flags, io, id)));
      await decide(flags, io, 'approve', id, { step });
      setExit(EXIT.ok);
    });

  for (const [verb, what] of [
    ['reject', 'reject the step a repair waits at: it ends NotRepaired, having settled its changes'],
    ['cancel', 'stop a repair at its next safe point; it settles its changes and ends Cancelled'],
  ] as const) {
    program
      .command(verb)
      .description(what)
      .argument('<id>', 'the repair id')
      .action(async (id: string, _flags: unknown, command: Command) => {
        await decide(globals(command), io, verb, id, undefined);
        setExit(EXIT.ok);
      });
  }

  program
    .command('list')
    .description("show a VM's repair (one repair id per VM: the latest or the one running)")
    .requiredOption('--vm <vm-id>', 'the VM ARM id')
    .action(async (flags: { vm: string }, command: Command) => {
      const global = globals(command);
      const { client } = await connect(global, io, 'list');
      const status = await client.findByVm(flags.vm).catch((err: unknown) => {
        // No repair of this VM is an empty list, not a failure.
        if (err instanceof CliError && err.code === 'RepairNotFound') return null;
        throw err;
      });
      if (global.json) printJson(io, status ? [status] : []);
      else if (!status) io.out(`no repair of ${flags.vm} is known to the app\n`);
      else {
        const outcome = status.outcome ? `${status.outcome.kind}` : (status.currentStep ?? '');
        io.out(`${status.id}  ${status.runtimeStatus.padEnd(10)} ${status.createdTime}  ${outcome}\n`);
      }
      setExit(EXIT.ok);
    });

  program
    .command('scenarios')
    .description('SIMULATED: list the scenarios --simulated can seed')
    .action(async (_flags: unknown, command: Command) => {
      const { scenarioList } = await import('./simulatedTransport');
      const list = scenarioList();
      if (globals(command).json) printJson(io, list);
      else for (const s of list) io.out(`${s.name.padEnd(28)} ${s.expectedOutcome.padEnd(15)} ${s.title}\n`);
      setExit(EXIT.ok);
    });

  program
    .command('simulate')
    .description('SIMULATED: serve the simulator on 127.0.0.1 with one seeded scenario, for trying every command with --url')
    .option('--port <port>', 'the port to listen on (default: any free one)', '0')
    .action(async (flags: { port: string }, command: Command) => {
      const global = globals(command);
      const port = wholeNumber('--port', flags.port, 0, 65535);
      const { runSimulation } = await import('./simulation');
      await runSimulation(global.scenario ?? DEFAULT_SCENARIO, port, io);
      setExit(EXIT.ok);
    });

  return program;
}

/**
 * The gate the repair waits at, for `approve` without --step: named explicitly in the request, because the API
 * reads a bare approve of a repair that waits nowhere yet as approving every step, more than was asked.
 */
async function stepWaitedAt(flags: GlobalFlags, io: CliIo, id: string): Promise<string> {
  const { client } = await connect(flags, io, 'approve');
  const status = await client.status(id);
  const step = status.waitingFor?.step;
  if (!step) {
    const state = status.outcome ? `ended ${status.outcome.kind}` : `is ${status.runtimeStatus}, at no approval gate now`;
    throw new CliError(
      `the repair ${id} ${state}; name the step to approve ahead with --step, or every step with --all`,
      status.outcome ? EXIT.conflict : EXIT.usage,
      'NotWaiting',
    );
  }
  return step;
}

async function decide(
  flags: GlobalFlags,
  io: CliIo,
  verb: 'approve' | 'reject' | 'cancel',
  id: string,
  body: Record<string, unknown> | undefined,
): Promise<void> {
  const { client } = await connect(flags, io, verb);
  const answer = await client.decide(verb, id, body);
  if (flags.json) return printJson(io, answer);
  const step = typeof answer.step === 'string' ? ` of ${answer.step}` : '';
  const note = typeof answer.note === 'string' ? `\n${answer.note}` : '';
  io.out(`${verb}${step} sent to ${id}; the repair acts on it at its next gate or safe point.${note}\n`);
}

/** Runs the CLI on argv (without node and the script) and resolves with the exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version exit 0; every parse error was already printed by commander.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const json = argv.includes('--json');
    if (err instanceof CliError) {
      if (json) io.err(`${JSON.stringify({ error: { code: err.code, message: err.message, details: err.details } })}\n`);
      else io.err(`rdp-autorepair: ${err.message}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.err(`rdp-autorepair: unexpected failure: ${message}\n`);
    return EXIT.appError;
  }
}
