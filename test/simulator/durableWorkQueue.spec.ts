/** The emulator's work queue: due deliveries come out earliest first, ties in scheduling order; drops forget one execution's. */
import { type Delivery, WorkQueue } from '../../src/simulator/durable/workQueue';

function timer(dueAt: number, instanceId: string, executionId = 'e1'): Delivery {
  return {
    dueAt,
    instanceId,
    executionId,
    kind: 'timerFired',
    makeEvent: () => ({ EventType: 11, EventId: -1, IsPlayed: false, Timestamp: '' }),
  };
}

test('takeDue: earliest first, ties in the order scheduled, later ones stay', () => {
  const queue = new WorkQueue();
  const plan = [50, 10, 30, 10, 70, 30, 20, 10];
  for (const [i, due] of plan.entries()) queue.schedule(timer(due, `i${i}`));
  expect(queue.nextDueAt()).toBe(10);
  expect(queue.takeDue(30).map((d) => `${d.dueAt}:${d.instanceId}`)).toEqual(['10:i1', '10:i3', '10:i7', '20:i6', '30:i2', '30:i5']);
  expect(queue.delayedCount).toBe(2);
  expect(queue.nextDueAt()).toBe(50);
});

test('dropDeliveries forgets one execution only, and the order of the rest holds', () => {
  const queue = new WorkQueue();
  for (let i = 0; i < 40; i++) queue.schedule(timer(1000 - i * 7, i % 3 === 0 ? 'gone' : `keep${i}`));
  queue.dropDeliveries('gone', 'e1');
  const due = queue.takeDue(Number.MAX_SAFE_INTEGER);
  expect(due.every((d) => d.instanceId !== 'gone')).toBe(true);
  expect(due.map((d) => d.dueAt)).toEqual([...due.map((d) => d.dueAt)].sort((a, b) => a - b));
  expect(due).toHaveLength(26);
});

test('ready work is first in, first out', () => {
  const queue = new WorkQueue();
  for (let i = 0; i < 3000; i++) queue.enqueue({ kind: 'entityBatch', schedulerId: `@e@${i}` });
  const out: string[] = [];
  for (let work = queue.dequeue(); work; work = queue.dequeue()) if (work.kind === 'entityBatch') out.push(work.schedulerId);
  expect(out).toHaveLength(3000);
  expect(out[0]).toBe('@e@0');
  expect(out[2999]).toBe('@e@2999');
  expect(queue.readyCount).toBe(0);
});
