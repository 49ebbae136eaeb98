/**
 * The status page in a real browser: Debian's Chromium driven by playwright-core, against the simulated app's
 * real HTTP handler served on 127.0.0.1 by a tiny server. It renders under its own strict CSP (a violation is a
 * failure), every step of the repair is on the timeline, a hostile text stays text, and screenshots of a running
 * and of a finished repair land in test-output/ (git-ignored; CI keeps them there).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { RepairStatusViewWithChild } from '../../src/api/childProgress';
import { statusPageResponse } from '../../src/api/statusPageResponse';
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = join(__dirname, '..', '..', 'test-output');
const HOSTILE = '</style><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">"\'&';

jest.setTimeout(60000);

let app: SimulatedRepairApp;
let server: Server;
let base: string;
let context: BrowserContext;
let profile: string;
let hostileView: RepairStatusViewWithChild | null = null;
let repairId = '';
const problems: string[] = [];

async function serve(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
  if (req.url === '/hostile' && hostileView) {
    const page = statusPageResponse(hostileView);
    res.writeHead(page.status ?? 200, page.headers as Record<string, string>).end(page.body as string);
    return;
  }
  const answer = await app.http(req.method ?? 'GET', req.url ?? '/', undefined, { accept: req.headers.accept ?? '*/*' });
  const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, answer.headers).end(body);
}

async function open(path: string): Promise<{ page: Page; csp: string | undefined }> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`${path}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
  const response = await page.goto(`${base}${path}`, { timeout: 10000 });
  return { page, csp: response?.headers()['content-security-policy'] };
}

async function status(id: string): Promise<any> {
  return (await app.http('GET', `/api/repairs/${encodeURIComponent(id)}`)).body;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Chromium (apt-get install -y chromium; npm test does it as root) or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(OUTPUT, { recursive: true });
  app = await SimulatedRepairApp.start();
  server = createServer((req, res) => {
    serve(req, res).catch((e: Error) => res.writeHead(500).end(e.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  profile = mkdtempSync(join(tmpdir(), 'rdp-autorepair-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 20000,
    viewport: { width: 1100, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await app?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('status page in Chromium', () => {
  it('shows a running and then a finished repair, every step on the timeline, within its CSP', async () => {
    const seeded = await app.addScenario(findScenario('corrupt-certificate')!);
    const start = await app.http('POST', '/api/repairs', seeded.request);
    expect(start.status).toBe(202);
    const id: string = start.body.id;
    repairId = id;

    let running = await status(id);
    for (let i = 0; i < 400 && !(running.timeline?.length >= 5 && running.runtimeStatus === 'Running'); i += 1) {
      await app.emulator.step();
      running = await status(id);
    }
    expect(running.runtimeStatus).toBe('Running');

    const during = await open(`/api/repairs/${encodeURIComponent(id)}`);
    expect(during.csp).toMatch(/default-src 'none'; style-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(await during.page.locator('#runtime-status').textContent()).toBe('Running');
    expect(await during.page.locator('meta[http-equiv="refresh"]').count()).toBe(1);
    const runningSteps = await during.page.locator('svg.timeline g.step').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-step')));
    expect(runningSteps).toEqual(running.timeline.map((t: { step: string }) => t.step));
    const runningShot = join(OUTPUT, 'status-running.png');
    await during.page.screenshot({ path: runningShot, fullPage: true });
    console.log(`screenshot of a running repair: ${runningShot}`);

    const finished = await app.followRepair(id);
    const after = await open(`/api/repairs/${encodeURIComponent(id)}`);
    expect(await after.page.locator('#outcome .kind').textContent()).toBe(finished.outcome.kind);
    expect(await after.page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    const steps = await after.page.locator('svg.timeline g.step').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-step')));
    expect(steps).toEqual(finished.timeline.map((t: { step: string }) => t.step));
    // Drawn to scale: every bar lies inside the axis, and a later step never starts left of an earlier one.
    const bars = await after.page
      .locator('svg.timeline g.step rect.bar')
      .evaluateAll((rs) => rs.map((r) => ({ x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')) })));
    expect(bars).toHaveLength(finished.timeline.length);
    for (let i = 1; i < bars.length; i += 1) expect(bars[i].x).toBeGreaterThanOrEqual(bars[i - 1].x);
    for (const bar of bars) expect(bar.x + bar.w).toBeLessThanOrEqual(200 + 640 + 0.5);
    expect(await after.page.locator('#changes tbody tr').count()).toBe(finished.changes.length);
    expect(await after.page.locator('#findings tbody tr').count()).toBe(finished.findings.length);
    const finishedShot = join(OUTPUT, 'status-finished.png');
    await after.page.screenshot({ path: finishedShot, fullPage: true });
    console.log(`screenshot of a finished repair: ${finishedShot}`);

    hostileView = {
      ...finished,
      findings: [{ code: HOSTILE, severity: 'error', message: HOSTILE, advice: HOSTILE }],
      timeline: [{ ...finished.timeline[0], step: HOSTILE, detail: HOSTILE }],
      changes: [
        {
          ...(finished.changes[0] ?? { resourceId: '/x', property: 'p', at: finished.startedAt }),
          before: HOSTILE,
          after: HOSTILE,
          reason: HOSTILE,
        },
      ],
    };
    const hostile = await open('/hostile');
    expect(await hostile.page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await hostile.page.locator('script, img').count()).toBe(0);
    expect(await hostile.page.locator('#findings td').nth(2).textContent()).toContain(HOSTILE);
    expect(await hostile.page.locator('svg.timeline g.step').getAttribute('data-step')).toBe(HOSTILE);

    expect(problems).toEqual([]);
  });

  it('keeps answering JSON to a client that does not ask for HTML', async () => {
    for (const accept of ['application/json', '*/*']) {
      const response = await fetch(`${base}/api/repairs/${encodeURIComponent(repairId)}`, { headers: { accept } });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await response.json()) as { id: string }).id).toBe(repairId);
    }
  });
});
