/** The watch's operator decision as a table: sequences of observations -> the events they raise (watchDecision.ts). */
import type { ProbeVerdict } from '../../src/domain/rdpProbe';
import { decideWatch, stateIfUnsent } from '../../src/watch/watchDecision';
import type { WatchObservation, WatchVmState } from '../../src/watch/watchState';

const VM = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1';

type Step = ProbeVerdict | 'stopped' | 'deallocated' | 'notWatchable' | 'notReached';

function observation(step: Step): WatchObservation {
  if (step === 'stopped' || step === 'deallocated') return { kind: 'notRunning', powerState: step };
  if (step === 'notWatchable') return { kind: 'notWatchable', reason: 'NSG denies the probe source' };
  if (step === 'notReached') return { kind: 'notReached' };
  return { kind: 'probed', verdict: step, stage: step === 'healthy' ? 'done' : 'tls', error: null, reason: step, port: 3389 };
}

/** Runs the steps through the decision, keeping the state as the round does, and returns the events in order. */
function run(steps: Step[], failuresBeforeEvent = 2): { events: string[]; state: WatchVmState | null } {
  let state: WatchVmState | null = null;
  const events: string[] = [];
  steps.forEach((step, i) => {
    const at = new Date(Date.UTC(2026, 0, 5, 3, 5 * i));
    const d = decideWatch({
      vmResourceId: VM,
      previous: state,
      observation: observation(step),
      at,
      failuresBeforeEvent,
      newEventId: `ev${i}`,
    });
    if (d.event) events.push(`${d.event}@${i}`);
    state = d.next;
  });
  return { events, state };
}

// Every row names its threshold: jest passes `done` as an extra argument to a row that is shorter than the callback.
test.each<[string, Step[], string[], number]>([
  ['one broken verdict is not a failure', ['healthy', 'broken', 'healthy'], [], 2],
  ['two consecutive broken verdicts raise ConnectionFailed once', ['broken', 'broken', 'broken', 'broken'], ['ConnectionFailed@1'], 2],
  ['the threshold is a setting', ['broken', 'broken', 'broken'], ['ConnectionFailed@2'], 3],
  ['a threshold of one fires at once', ['broken'], ['ConnectionFailed@0'], 1],
  ['inconclusive neither counts nor breaks the series', ['broken', 'inconclusive', 'broken'], ['ConnectionFailed@2'], 2],
  ['inconclusive alone never fires', ['inconclusive', 'inconclusive', 'inconclusive'], [], 2],
  ['unreachable is not the symptom and breaks the series', ['broken', 'unreachable', 'broken'], [], 2],
  ['unreachable alone never fires', ['unreachable', 'unreachable', 'unreachable'], [], 2],
  ['a stopped VM is never failed and restarts the series', ['broken', 'stopped', 'broken'], [], 2],
  ['a deallocated VM is never failed', ['deallocated', 'deallocated', 'deallocated'], [], 2],
  ['not watchable from here is no evidence', ['broken', 'notWatchable', 'broken'], ['ConnectionFailed@2'], 2],
  ['not reached within the budget is no evidence', ['broken', 'notReached', 'broken'], ['ConnectionFailed@2'], 2],
  ['degraded breaks a broken series', ['broken', 'degraded', 'broken'], [], 2],
  [
    'recovery takes as many healthy verdicts as failing took',
    ['broken', 'broken', 'healthy', 'healthy'],
    ['ConnectionFailed@1', 'Recovered@3'],
    2,
  ],
  [
    'a flapping VM stays in one episode: one event, not many',
    ['broken', 'broken', 'healthy', 'broken', 'healthy', 'broken', 'broken', 'healthy', 'broken'],
    ['ConnectionFailed@1'],
    2,
  ],
  [
    'a second episode after a recovery raises a second event',
    ['broken', 'broken', 'healthy', 'healthy', 'broken', 'broken'],
    ['ConnectionFailed@1', 'Recovered@3', 'ConnectionFailed@5'],
    2,
  ],
  ['stopping a failed VM does not close its episode', ['broken', 'broken', 'deallocated', 'broken'], ['ConnectionFailed@1'], 2],
  ['degraded does not count towards recovery', ['broken', 'broken', 'healthy', 'degraded', 'healthy'], ['ConnectionFailed@1'], 2],
])('%s', (_name, steps, expected, threshold) => {
  expect(run(steps, threshold).events).toEqual(expected);
});

test('the episode keeps the id of the event that opened it; Recovered names it', () => {
  const { state } = run(['broken', 'broken', 'broken']);
  expect(state?.episode).toEqual({ eventId: 'ev1', openedAt: '2026-01-05T03:05:00.000Z' });
  const closed = run(['broken', 'broken', 'healthy', 'healthy']).state;
  expect(closed?.episode).toBeNull();
  expect(closed?.lastEvent).toEqual({ type: 'Recovered', id: 'ev1-recovered', at: '2026-01-05T03:15:00.000Z' });
});

test('an event that could not be sent is decided again at the next round', () => {
  const first = decideWatch({
    vmResourceId: VM,
    previous: null,
    observation: observation('broken'),
    at: new Date('2026-01-05T03:00:00Z'),
    failuresBeforeEvent: 2,
    newEventId: 'a',
  });
  const second = decideWatch({
    vmResourceId: VM,
    previous: first.next,
    observation: observation('broken'),
    at: new Date('2026-01-05T03:05:00Z'),
    failuresBeforeEvent: 2,
    newEventId: 'b',
  });
  expect(second.event).toBe('ConnectionFailed');
  const kept = stateIfUnsent(first.next, second);
  expect(kept.episode).toBeNull();
  const third = decideWatch({
    vmResourceId: VM,
    previous: kept,
    observation: observation('broken'),
    at: new Date('2026-01-05T03:10:00Z'),
    failuresBeforeEvent: 2,
    newEventId: 'c',
  });
  expect(third.event).toBe('ConnectionFailed');
});

test('a Recovered that could not be sent is sent at the next healthy round', () => {
  const open = run(['broken', 'broken', 'healthy']).state;
  const d = decideWatch({
    vmResourceId: VM,
    previous: open,
    observation: observation('healthy'),
    at: new Date('2026-01-05T04:00:00Z'),
    failuresBeforeEvent: 2,
    newEventId: 'x',
  });
  expect(d.event).toBe('Recovered');
  const kept = stateIfUnsent(open, d);
  expect(kept.episode).not.toBeNull();
  const again = decideWatch({
    vmResourceId: VM,
    previous: kept,
    observation: observation('healthy'),
    at: new Date('2026-01-05T04:05:00Z'),
    failuresBeforeEvent: 2,
    newEventId: 'y',
  });
  expect(again.event).toBe('Recovered');
});
