/**
 * The CLI run in process against the built-in simulator (--simulated): exit code per outcome, --json, scenarios,
 * and the usage errors every command gives before it touches anything.
 */
import { EXIT } from '../../src/cli/exitCodes';
import { cli, expectNoStackTrace } from './support/runCli';

jest.setTimeout(30_000);

describe('rdp-autorepair --simulated', () => {
  it('start --follow repairs the scenario, shows each step as it ends, and exits 0 for Repaired', async () => {
    const run = await cli(['start', '--simulated', '--scenario', 'nsg-open-to-world', '--follow']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('SIMULATED: scenario nsg-open-to-world');
    expect(run.stdout).toMatch(/succeeded preflight \(\d+s\)/);
    expect(run.stdout).toMatch(/succeeded restrictNsgRule \(\d+s\): RDP now admits 203\.0\.113\.0\/24/);
    expect(run.stdout).toContain('Outcome: Repaired:');
    expect(run.code).toBe(0);
  });

  it('--diagnose changes nothing and exits with the Diagnosed code; --json leaves one JSON document on stdout', async () => {
    const run = await cli(['start', '--simulated', '--scenario', 'nsg-open-to-world', '--diagnose', '--follow', '--json']);
    const final = JSON.parse(run.stdout);
    expect(final.mode).toBe('diagnose');
    expect(final.outcome.kind).toBe('Diagnosed');
    expect(final.changes).toEqual([]);
    expect(run.stderr).toContain('succeeded preflight');
    expect(run.code).toBe(EXIT.diagnosed);
  });

  it('exits 0 for AlreadyHealthy and with the NotRepaired code for a VM it cannot repair', async () => {
    expect((await cli(['start', '--simulated', '--scenario', 'healthy', '--follow'])).code).toBe(0);
    const unrepairable = await cli(['start', '--simulated', '--scenario', 'unrepairable', '--follow']);
    expect(unrepairable.stdout).toContain('Outcome: NotRepaired:');
    expect(unrepairable.code).toBe(EXIT.notRepaired);
  });

  it('on a terminal keeps the current step and the elapsed time on one live line (stderr), rewritten in place', async () => {
    const run = await cli(['start', '--simulated', '--scenario', 'healthy', '--follow'], {}, { tty: true });
    expect(run.stderr).toMatch(/\r\u001b\[2Krunning [\w:-]+, elapsed \d+s/);
    expect(run.stderr.endsWith('\r\u001b[2K')).toBe(true);
    expect(run.stdout).not.toContain('running   preflight');
    expect(run.stdout).toMatch(/succeeded preflight/);
    expect(run.code).toBe(0);
  });

  it('start without --follow prints the repair id and how to follow it', async () => {
    const run = await cli(['start', '--simulated', '--scenario', 'healthy', 'vm-healthy']);
    expect(run.stdout).toMatch(
      /Repair rdprepair-vm-healthy-[0-9a-f]{16} started .*\nFollow it: rdp-autorepair status rdprepair-vm-healthy-/,
    );
    expect(run.code).toBe(0);
  });

  it('lists the scenarios, as text and as JSON', async () => {
    const text = await cli(['scenarios']);
    expect(text.stdout).toMatch(/^healthy\s+AlreadyHealthy\s+Nothing wrong$/m);
    const json = JSON.parse((await cli(['scenarios', '--json'])).stdout);
    expect(json).toContainEqual({ name: 'unrepairable', expectedOutcome: 'NotRepaired', title: expect.any(String) });
  });

  it.each([
    [['start', '--simulated', '--scenario', 'no-such-scenario'], /no simulated scenario is named 'no-such-scenario'/],
    [['start', '--simulated', '--scenario', 'healthy', 'vm-other'], /scenario healthy seeds .*vm-healthy; give that id/],
    [['status', 'rdprepair-vm-a-0123456789abcdef', '--simulated'], /only `start --simulated` can use it.*rdp-autorepair simulate/],
    [['start', '/subscriptions/x'], /no app URL: pass --url/],
    [['status', 'x', '--scenario', 'healthy', '--url', 'http://127.0.0.1:9'], /--scenario needs --simulated/],
    [['start', '--url', 'https://app.example'], /start needs the VM ARM id/],
    [['status', 'x', '--url', 'not a url'], /--url 'not a url' is not a URL/],
    [['status', 'x', '--url', 'ftp://app.example'], /--url must start with https:\/\//],
    [['status', 'x', '--url', 'https://user:secret@app.example'], /--url must not carry credentials/],
    [['start', 'vm', '--url', 'https://app.example', '--rdp-port', '70000'], /--rdp-port must be a whole number from 1 to 65535/],
    [['status', 'x', '--url', 'https://app.example', '--follow', '--interval', 'soon'], /--interval must be a number of seconds/],
    [['approve', 'x', '--step', 'format-disk'], /argument 'format-disk' is invalid/],
    [['approve', 'x', '--step', 'restartVm', '--all'], /cannot be used with option/],
    [['list'], /required option '--vm <vm-id>' not specified/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['start', '--simulated', '--url', 'https://app.example'], /option '--simulated' cannot be used with option '--url <url>'/],
    [['start', 'vm', '--folow'], /unknown option '--folow'[\s\S]*Did you mean --follow\?/],
  ])('refuses %j with a plain usage error (exit 64)', async (argv, message) => {
    const run = await cli(argv as string[]);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(EXIT.usage);
    expectNoStackTrace(run);
  });

  it('prints help with the exit code table and exits 0', async () => {
    const run = await cli(['--help']);
    expect(run.stdout).toContain('Exit codes:');
    expect(run.stdout).toMatch(/^\s+13 {2}Rejected/m);
    expect(run.code).toBe(0);
  });
});
