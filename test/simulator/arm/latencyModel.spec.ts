import {
  isShortOperation,
  LATENCY_MODEL,
  SHORT_OPERATION_THRESHOLD_MS,
  withLatencyOverrides,
  type LatencyOperation,
} from '../../../src/simulator/latencyModel';

test('every figure is positive, has a source and a basis, and the model cannot be changed', () => {
  for (const [name, figure] of Object.entries(LATENCY_MODEL)) {
    expect({ name, ok: figure.ms > 0 && figure.source.length > 40 }).toEqual({ name, ok: true });
    expect(['documented', 'estimate']).toContain(figure.basis);
    expect(Object.isFrozen(figure)).toBe(true);
  }
  expect(Object.isFrozen(LATENCY_MODEL)).toBe(true);
  expect(() => {
    (LATENCY_MODEL as unknown as Record<string, unknown>).vmRestart = { ms: 1 };
  }).toThrow(TypeError);
});

test('documented figures quote Microsoft; estimates say they are estimates', () => {
  expect(LATENCY_MODEL.runCommand.source).toContain('The minimum time to run a script is about 20 seconds');
  for (const figure of Object.values(LATENCY_MODEL).filter((f) => f.basis === 'estimate')) {
    expect(figure.source).toMatch(/estimate|assumption/i);
  }
});

test('the short/long split the simulator and the orchestrator rely on', () => {
  const short = (Object.keys(LATENCY_MODEL) as LatencyOperation[]).filter((op) => isShortOperation(op));
  expect(short.sort()).toEqual([
    'dataDiskAttachDetach',
    'effectiveNsgQuery',
    'nsgRuleWrite',
    'osDiskSwap',
    'resourceDelete',
    'snapshotCreate',
  ]);
  expect(SHORT_OPERATION_THRESHOLD_MS).toBe(30_000);
});

test('overrides make a frozen copy and leave the shared model alone', () => {
  const slow = withLatencyOverrides({ vmRestart: 300_000 });
  expect(slow.vmRestart.ms).toBe(300_000);
  expect(slow.vmRestart.source).toContain('overridden');
  expect(LATENCY_MODEL.vmRestart.ms).toBe(90_000);
  expect(Object.isFrozen(slow)).toBe(true);
  expect(isShortOperation('vmRestart', withLatencyOverrides({ vmRestart: 10_000 }))).toBe(true);
});
