/** Like the Durable Functions host, the emulator fails an orchestration whose custom status exceeds 16 KB of UTF-16 text. */
import * as df from 'durable-functions';
import { DurableHostEmulator } from '../../src/simulator/durable';
import { standInRegistry } from '../../src/simulator/functionsHost';
import { VirtualClock } from '../../src/simulator/virtualClock';

const registry = standInRegistry();

df.app.orchestration('BigStatus', function* (context: df.OrchestrationContext) {
  const size = context.df.getInput<number>();
  context.df.setCustomStatus({ blob: 'x'.repeat(size) });
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
  return 'done';
});

describe('custom status size', () => {
  it.each([
    [16_000, 'Completed'],
    [16_400, 'Failed'],
  ])('a custom status of about %i characters ends %s', async (size, runtimeStatus) => {
    const emulator = new DurableHostEmulator({ registry, clock: new VirtualClock() });
    const id = await emulator.client.startNew('BigStatus', { input: size });
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe(runtimeStatus);
    if (runtimeStatus === 'Failed') expect(String(status.output)).toContain('16 KB');
  });
});
