/**
 * The functions-core stand-in captures what @azure/functions and durable-functions really register: binding types,
 * directions, routes, methods, auth levels and the handlers the worker would call.
 * Runs with jest's moduleNameMapper sending '@azure/functions-core' to the stand-in.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { app, type HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { createInvocationContext, type FunctionLogEntry, standInRegistry } from '../../src/simulator/functionsHost';

const registry = standInRegistry();

const startHandler = async (_req: HttpRequest, _ctx: InvocationContext): Promise<HttpResponseInit> => ({ status: 202 });
const getHandler = async (req: HttpRequest): Promise<HttpResponseInit> => ({ jsonBody: { id: req.params.id } });
const alertHandler = async (): Promise<void> => undefined;
const activityHandler = async (input: unknown): Promise<string> => `done ${String(input)}`;

app.http('startRepair', {
  route: 'repairs',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: startHandler,
});
app.http('getRepair', { route: 'repairs/{id}', methods: ['GET'], authLevel: 'function', handler: getHandler });
app.http('listRepairs', { route: 'repairs', methods: ['GET'], authLevel: 'anonymous', handler: getHandler });
app.eventGrid('vmHealthEvents', { extraInputs: [df.input.durableClient()], handler: alertHandler });
df.app.orchestration('SampleOrchestrator', function* (context: df.OrchestrationContext) {
  return yield context.df.callActivity('SampleActivity', 'x');
});
df.app.activity('SampleActivity', { handler: activityHandler });

describe('functions-core stand-in', () => {
  it('records the programming model @azure/functions installs', () => {
    const model = registry.programmingModel as { name: string; version: string };
    expect(model.name).toBe('@azure/functions');
    expect(model.version).toMatch(/^4\./);
  });

  it('captures HTTP triggers with route, methods, auth level and the http output', () => {
    const start = registry.getOrThrow('startRepair');
    expect(start.trigger).toMatchObject({
      type: 'httpTrigger',
      direction: 'in',
      route: 'repairs',
      methods: ['POST'],
      authLevel: 'function',
    });
    expect(start.metadata.bindings.$return).toMatchObject({ type: 'http', direction: 'out' });
    const inputs = Object.values(start.metadata.bindings).filter((b) => b.type === 'durableClient');
    expect(inputs).toEqual([expect.objectContaining({ type: 'durableClient', direction: 'in' })]);
    // The HTTP handler recorded is the user's own function.
    expect(start.handler).toBe(startHandler);
  });

  it('looks HTTP functions up by route and method, literal routes before templates', () => {
    expect(registry.http('repairs', 'POST')?.name).toBe('startRepair');
    expect(registry.http('repairs', 'get')?.name).toBe('listRepairs');
    expect(registry.matchHttp('/repairs/rdprepair-vm1-0123', 'GET')).toMatchObject({
      fn: { name: 'getRepair' },
      params: { id: 'rdprepair-vm1-0123' },
    });
    expect(registry.http('repairs/abc', 'DELETE')).toBeUndefined();
    expect(registry.http('other', 'GET')).toBeUndefined();
  });

  it('captures an Event Grid trigger with its durable client input', () => {
    const fn = registry.getOrThrow('vmHealthEvents');
    expect(fn.trigger).toMatchObject({ type: 'eventGridTrigger', direction: 'in' });
    expect(
      Object.values(fn.metadata.bindings)
        .map((b) => `${b.type}/${b.direction}`)
        .sort(),
    ).toEqual(['durableClient/in', 'eventGridTrigger/in']);
  });

  it('captures durable-functions orchestrations and activities with their wrapped handlers', () => {
    expect(registry.byTrigger('orchestrationTrigger').map((f) => f.name)).toEqual(['SampleOrchestrator']);
    expect(registry.byTrigger('activityTrigger').map((f) => f.name)).toEqual(['SampleActivity']);
    const orchestrator = registry.getOrThrow('SampleOrchestrator');
    expect(orchestrator.trigger).toMatchObject({ type: 'orchestrationTrigger', direction: 'in' });
    expect(orchestrator.metadata.bindings.$return).toBeUndefined();
    const activity = registry.getOrThrow('SampleActivity');
    expect(activity.trigger).toMatchObject({ type: 'activityTrigger', direction: 'in' });
    // durable-functions wraps the activity handler; the wrapper still runs ours.
    expect(activity.handler).not.toBe(activityHandler);
    return expect(activity.handler('y', new InvocationContext())).resolves.toBe('done y');
  });

  it('refuses a second function with the same name, as the host does', () => {
    expect(() => app.http('STARTREPAIR', { handler: startHandler })).toThrow(/already been registered/);
  });

  it('records hooks and lets their disposables remove them', () => {
    const disposable = app.hook.appStart(() => undefined);
    expect(registry.hooks('appStart')).toHaveLength(1);
    disposable.dispose();
    expect(registry.hooks('appStart')).toHaveLength(0);
  });

  it('keeps the library system log instead of printing it', () => {
    app.setup({ capabilities: { simulatedCapability: 'yes' } });
    expect(registry.systemLogs).toContainEqual(
      expect.objectContaining({ category: 'system', message: expect.stringContaining('simulatedCapability') }),
    );
  });

  it('builds InvocationContexts from the registered bindings, logging to a sink', () => {
    const lines: FunctionLogEntry[] = [];
    const context = createInvocationContext(registry.getOrThrow('startRepair'), { logSink: (e) => lines.push(e) });
    expect(context.functionName).toBe('startRepair');
    expect(context.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.options.trigger.type).toBe('httpTrigger');
    expect(context.options.extraInputs.map((i) => i.type)).toEqual(['durableClient']);
    context.warn('careful', { n: 1 });
    expect(lines).toEqual([expect.objectContaining({ level: 'warning', functionName: 'startRepair', message: 'careful {"n":1}' })]);
  });
});

describe('installFunctionsCoreStandIn in plain Node (no jest mapper)', () => {
  const repo = path.resolve(__dirname, '../..');
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fn-standin-'));
    // A throwaway app module and a tiny .ts loader (typescript's transpileModule), so the child runs the sources.
    fs.writeFileSync(
      path.join(dir, 'app.ts'),
      `import { app } from '@azure/functions';
       app.http('ping', { route: 'ping/{n:int}', methods: ['GET'], handler: async () => ({ body: 'pong' }) });`,
    );
    fs.writeFileSync(
      path.join(dir, 'tsloader.js'),
      `const ts = require(${JSON.stringify(require.resolve('typescript'))});
       const options = { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } };
       require.extensions['.ts'] = (m, filename) =>
         m._compile(ts.transpileModule(require('fs').readFileSync(filename, 'utf8'), options).outputText, filename);`,
    );
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function runChild(script: string): string {
    return execFileSync(process.execPath, ['-r', path.join(dir, 'tsloader.js'), '-e', script], {
      cwd: repo,
      env: { ...process.env, NODE_PATH: path.join(repo, 'node_modules') },
      encoding: 'utf8',
      // Keep the library's own "test mode" warning out of the test output.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  it('captures the registrations of an app loaded with loadFunctionApp', () => {
    const out = runChild(`
      const host = ${JSON.stringify(path.join(repo, 'src/simulator/functionsHost/index.ts'))};
      const { loadFunctionApp, installFunctionsCoreStandIn } = require(host);
      const first = installFunctionsCoreStandIn();
      const registry = loadFunctionApp([${JSON.stringify(path.join(dir, 'app.ts'))}]);
      const again = installFunctionsCoreStandIn();
      const fn = registry.http('ping/42', 'GET');
      console.log(JSON.stringify({ same: first === again, name: fn && fn.name, trigger: fn && fn.trigger }));
    `);
    const result = JSON.parse(out.trim().split('\n').pop() as string);
    expect(result).toMatchObject({
      same: true,
      name: 'ping',
      trigger: { type: 'httpTrigger', route: 'ping/{n:int}', authLevel: 'anonymous' },
    });
  });

  it('fails loudly when @azure/functions was used before the stand-in was installed', () => {
    const out = runChild(`
      const { app } = require('@azure/functions');
      const warn = console.warn; console.warn = () => {};
      app.http('early', { handler: async () => ({}) });
      console.warn = warn;
      const { loadFunctionApp } = require(${JSON.stringify(path.join(repo, 'src/simulator/functionsHost/index.ts'))});
      try { loadFunctionApp([${JSON.stringify(path.join(dir, 'app.ts'))}]); console.log('no error'); }
      catch (e) { console.log(e.message); }
    `);
    expect(out).toMatch(/never reached the functions-core stand-in/);
  });
});
