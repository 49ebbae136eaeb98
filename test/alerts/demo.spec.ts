/**
 * `npm run demo -- --via alert`: the repair is started by a sample alert through the real Event Grid trigger and
 * reaches the same outcome, with the same changes, as the same scenario started over HTTP; the status names the
 * alert as its source.
 */
import { parseDemoArgs, runDemo } from '../../src/simulator/demo';

async function demo(args: string[]): Promise<{ code: number; lines: string[]; status: any }> {
  const lines: string[] = [];
  const code = await runDemo(
    args,
    (l) => lines.push(l),
    (l) => lines.push(l),
  );
  const last = lines[lines.length - 1];
  return { code, lines, status: last?.startsWith('{') ? JSON.parse(last) : undefined };
}

describe('demo --via', () => {
  it('parses --via http|alert, defaulting to http', () => {
    expect(parseDemoArgs([])).toMatchObject({ ok: true, args: { via: 'http' } });
    expect(parseDemoArgs(['--via', 'alert'])).toMatchObject({ ok: true, args: { via: 'alert' } });
    expect(parseDemoArgs(['--via=http'])).toMatchObject({ ok: true, args: { via: 'http' } });
    expect(parseDemoArgs(['--via', 'email'])).toEqual({ ok: false, message: "--via needs 'http' or 'alert'" });
    expect(parseDemoArgs(['--via'])).toEqual({ ok: false, message: "--via needs 'http' or 'alert'" });
  });

  it.each(['nsg-open-to-world', 'healthy'])('%s: an alert-started repair ends like the HTTP-started one', async (scenario) => {
    const viaHttp = await demo(['--scenario', scenario, '--json']);
    const viaAlert = await demo(['--scenario', scenario, '--via', 'alert', '--json']);
    expect(viaAlert.code).toBe(viaHttp.code);
    expect(viaAlert.lines.some((l) => /^ {2}handler: AlertDecision decision=started reason=started via=eventGrid /.test(l))).toBe(true);
    expect(viaAlert.status.source).toMatchObject({ kind: 'alert', rule: 'rdp-checks-failing' });
    expect(viaAlert.status.source.alertId).toMatch(/\/providers\/Microsoft\.AlertsManagement\/alerts\/[0-9a-f-]{36}$/);
    expect(viaHttp.status.source).toEqual({ kind: 'http' });
    expect(viaAlert.status.outcome.kind).toBe(viaHttp.status.outcome.kind);
    const changes = (s: any) => s.changes.map((c: any) => [c.property, c.before, c.after]);
    expect(changes(viaAlert.status)).toEqual(changes(viaHttp.status));
  });
});
