/**
 * The CLI over real HTTP: a server on 127.0.0.1 forwarding to the simulated app's handlers (src/cli/simulatedServer.ts)
 * and requiring a function key as the Functions host does. Covers start, status, list --vm, the approval commands
 * with --follow, and each failure the operator can meet: no or wrong key, unknown repair, 409s, out of scope,
 * an invalid request, an unreachable app, an app that does not answer, and something else at the URL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXIT } from '../../src/cli/exitCodes';
import { type SimulatedServer, startSimulatedServer } from '../../src/cli/simulatedServer';
import { findScenario, SIM_OPERATOR_CIDR } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { type CliRun, cli, cliLive, expectNoStackTrace } from './support/runCli';

jest.setTimeout(30_000);

const KEY = 'test-function-key-0123456789';

async function withApp(scenarios: string[], body: (url: string, vmIds: string[], app: SimulatedRepairApp) => Promise<void>) {
  const app = await SimulatedRepairApp.start();
  let server: SimulatedServer | undefined;
  try {
    const vmIds: string[] = [];
    for (const name of scenarios) {
      const scenario = findScenario(name);
      if (!scenario) throw new Error(`no scenario ${name}`);
      vmIds.push((await app.addScenario(scenario)).vmId);
    }
    server = await startSimulatedServer(app, { functionKey: KEY });
    await body(server.url, vmIds, app);
  } finally {
    await server?.close();
    await app.close();
  }
}

/** A loopback server answering every request with `respond` (or never, when it is undefined). */
async function withServer(respond: ((res: import('node:http').ServerResponse) => void) | undefined, body: (url: string) => Promise<void>) {
  const server: Server = createServer((_req, res) => respond?.(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function expectFailure(run: CliRun, code: number, message: RegExp): void {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code, stderr: expect.stringMatching(message) });
  expect(run.stderr).not.toContain(KEY);
  expectNoStackTrace(run);
}

const env = (url: string) => ({ RDP_AUTOREPAIR_URL: url, RDP_AUTOREPAIR_KEY: KEY });

describe('rdp-autorepair over HTTP (simulated app behind 127.0.0.1)', () => {
  it('starts, follows, lists and shows a repair; the key and URL come from the environment', async () => {
    await withApp(['nsg-open-to-world'], async (url, [vmId]) => {
      const started = await cli(
        ['start', '--allow-source', '198.51.100.0/24', '--allow-source', SIM_OPERATOR_CIDR, vmId!, '--json'],
        env(url),
      );
      expect(started.code).toBe(0);
      const { id } = JSON.parse(started.stdout);
      expect(id).toMatch(/^rdprepair-vm-exposed-[0-9a-f]{16}$/);

      const again = await cli(['start', vmId!, '--allow-source', SIM_OPERATOR_CIDR], env(url));
      expectFailure(again, EXIT.conflict, new RegExp(`already running.*follow it: rdp-autorepair status ${id} --follow`));

      const followed = await cli(['status', id, '--follow', '--interval', '0.01'], env(url));
      expect(followed.stdout).toMatch(/succeeded snapshot \(\d+s\)/);
      expect(followed.stdout).toContain('Outcome: Repaired:');
      expect(followed.stdout).toContain('sourceAddressPrefixes: ["*"] -> ["198.51.100.0/24","203.0.113.0/24"]');
      expect(followed.code).toBe(0);

      const listed = await cli(['list', '--vm', vmId!, '--url', url, '--key', KEY], {});
      expect(listed.stdout).toMatch(new RegExp(`^${id}  Completed .* Repaired$`, 'm'));
      const listedJson = JSON.parse((await cli(['list', '--vm', vmId!, '--json'], env(url))).stdout);
      expect(listedJson).toEqual([expect.objectContaining({ id, runtimeStatus: 'Completed' })]);

      const shown = await cli(['status', id], env(url));
      expect(shown.stdout).toContain(`Repair ${id} of ${vmId} (repair): Completed`);
      expect(shown.stdout).toContain(`Status: ${url}/api/repairs/${id}`);

      expectFailure(await cli(['approve', id], env(url)), EXIT.conflict, /ended Repaired; name the step to approve ahead with --step/);
      const late = await cli(['cancel', id], env(url));
      expectFailure(late, EXIT.conflict, /is not running \(it is Completed\); nothing to decide/);
    });
  });

  it.each([
    ['approve', ['--step', 'restrictNsgRule'], 0, 'Outcome: Repaired:'],
    ['approve', [], 0, 'Outcome: Repaired:'],
    ['reject', [], EXIT.notRepaired, 'Outcome: NotRepaired: function key rejected restrictNsgRule'],
    ['cancel', [], EXIT.cancelled, 'Outcome: Cancelled:'],
  ])('shows the wait for approval while following; %s %j ends it with exit code %d', async (verb, extra, code, outcome) => {
    await withApp(['nsg-open-to-world'], async (url, [vmId]) => {
      const started = JSON.parse(
        (await cli(['start', vmId!, '--allow-source', SIM_OPERATOR_CIDR, '--approval', 'beforeDisruptive', '--json'], env(url))).stdout,
      );
      const following = cliLive(['status', started.id, '--follow', '--interval', '0.01', '--timeout', '20'], env(url));
      const deadline = Date.now() + 15_000;
      while (!following.stdout().includes('waiting   for approval of restrictNsgRule') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const decided = await cli([verb as string, started.id, ...(extra as string[])], env(url));
      expect(decided.stdout).toMatch(new RegExp(`^${verb}.* sent to ${started.id}`));
      expect(decided.code).toBe(0);
      const followed = await following.done;
      expect(followed.stdout).toContain('waiting   for approval of restrictNsgRule');
      expect(followed.stdout).toContain(`approve: rdp-autorepair approve ${started.id} --step restrictNsgRule`);
      expect(followed.stdout).toContain(outcome);
      expect(followed.stdout).not.toMatch(/\+\s*\d+h/);
      expect(followed.code).toBe(code);
    });
  });

  it('says plainly when the key is missing or wrong, the repair unknown, the VM out of scope or the request invalid', async () => {
    await withApp([], async (url) => {
      const unknownId = 'rdprepair-vm-a-0123456789abcdef';
      expectFailure(await cli(['status', unknownId, '--url', url]), EXIT.denied, /needs a function key \(HTTP 401\); pass --key/);
      expectFailure(await cli(['status', unknownId, '--url', url, '--key', 'wrong']), EXIT.denied, /refused the function key \(HTTP 401\)/);
      expectFailure(await cli(['status', unknownId], env(url)), EXIT.notFound, /No repair has the id 'rdprepair-vm-a-0123456789abcdef'/);
      expectFailure(await cli(['approve', 'not-an-id'], env(url)), EXIT.notFound, /Repair ids look like rdprepair-/);
      const outside =
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/other/providers/Microsoft.Compute/virtualMachines/vm';
      expectFailure(await cli(['start', outside], env(url)), EXIT.denied, /outside REPAIR_ALLOWED_SCOPES.*\(OutOfScope\)/);
      expectFailure(
        await cli(['start', 'vm-1'], env(url)),
        EXIT.invalidRequest,
        /refused the request: The repair request is invalid: vmResourceId/,
      );
      const vm =
        '/subscriptions/5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11/resourceGroups/rg-rdp-sim/providers/Microsoft.Compute/virtualMachines/vm-none';
      expect(await cli(['list', '--vm', vm], env(url))).toEqual({
        code: 0,
        stdout: `no repair of ${vm} is known to the app\n`,
        stderr: '',
      });
      expect(await cli(['list', '--vm', vm, '--json'], env(url))).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
      const asJson = await cli(['status', unknownId, '--json'], env(url));
      expect(asJson.stdout).toBe('');
      expect(JSON.parse(asJson.stderr)).toEqual({ error: { code: 'RepairNotFound', message: expect.any(String), details: null } });
      expectFailure(await cli(['status', unknownId, '--url', `${url}/nope`, '--key', KEY]), EXIT.unavailable, /has no repair API at/);
    });
  });

  it('says so when nothing listens at the URL, when the app does not answer in time, and when something else answers', async () => {
    let closedUrl = '';
    await withServer(undefined, async (url) => {
      closedUrl = url;
    });
    expectFailure(await cli(['status', 'rdprepair-vm-a-0123456789abcdef', '--url', closedUrl]), EXIT.unavailable, /connection was refused/);
    await withServer(undefined, async (url) => {
      const run = await cli(['status', 'rdprepair-vm-a-0123456789abcdef', '--url', url, '--request-timeout', '1']);
      expectFailure(run, EXIT.unavailable, /did not answer within 1 s/);
    });
    await withServer(
      (res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>a parking page</html>'),
      async (url) => {
        const run = await cli([
          'list',
          '--vm',
          '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/v',
          '--url',
          url,
        ]);
        expectFailure(run, EXIT.unavailable, /not the repair API's JSON; check --url/);
      },
    );
    await withServer(
      (res) => res.writeHead(503).end(),
      async (url) => {
        expectFailure(await cli(['cancel', 'rdprepair-vm-a-0123456789abcdef', '--url', url]), EXIT.appError, /the app failed: HTTP 503/);
      },
    );
  });

  it('simulate serves the simulator on 127.0.0.1 for the other commands until it is stopped', async () => {
    let stop: () => void = () => undefined;
    const interrupted = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const simulation = cliLive(['simulate', '--scenario', 'healthy'], {}, { interrupted });
    try {
      const deadline = Date.now() + 15_000;
      while (!/VM: \S+/.test(simulation.stdout()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      const url = /SIMULATED app on (http:\/\/127\.0\.0\.1:\d+)/.exec(simulation.stdout())?.[1];
      const vmId = /VM: (\S+)/.exec(simulation.stdout())?.[1];
      expect(url && vmId).toBeTruthy();
      const run = await cli(['start', vmId!, '--allow-source', SIM_OPERATOR_CIDR, '--follow', '--interval', '0.01', '--url', url!]);
      expect(run.stdout).toContain('Outcome: AlreadyHealthy:');
      expect(run.code).toBe(0);
    } finally {
      stop();
    }
    expect((await simulation.done).code).toBe(0);
  });
});
