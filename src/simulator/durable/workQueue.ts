/**
 * SIMULATED: the emulator's two queues. "Ready" work (an orchestration episode, an activity execution) runs in
 * FIFO order when stepped; "delayed" deliveries (a timer firing, an activity result with virtual latency) wait
 * for the virtual clock to reach their due time. Never registered as a function.
 */
import type { WireHistoryEvent } from './wire';

export type ReadyWork =
  | { kind: 'episode'; instanceId: string; executionId: string }
  /** One batch of a Durable Entity's queued operations (entities.ts). */
  | { kind: 'entityBatch'; schedulerId: string }
  | {
      kind: 'activity';
      instanceId: string;
      executionId: string;
      taskScheduledId: number;
      name: string;
      inputToken: unknown;
      /** 1 for the first delivery of this work item, 2 after its result was lost once, ... */
      delivery: number;
    };

export type Delivery =
  | {
      dueAt: number;
      instanceId: string;
      executionId: string;
      kind: 'timerFired' | 'activityResult';
      /** Builds the history event at delivery time (its Timestamp is when it arrived). */
      makeEvent: (at: Date) => WireHistoryEvent;
    }
  | {
      dueAt: number;
      instanceId: string;
      executionId: string;
      /** A work item whose lease ran out (its result never reached the host): it becomes ready again. */
      kind: 'redelivery';
      work: ReadyWork;
    };

export class WorkQueue {
  private readonly ready: ReadyWork[] = [];
  private delayed: (Delivery & { seq: number })[] = [];
  private seq = 0;

  enqueue(work: ReadyWork): void {
    this.ready.push(work);
  }

  dequeue(): ReadyWork | undefined {
    return this.ready.shift();
  }

  schedule(delivery: Delivery): void {
    this.delayed.push(Object.assign({}, delivery, { seq: this.seq++ }));
  }

  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const d of this.delayed) if (next === undefined || d.dueAt < next) next = d.dueAt;
    return next;
  }

  /** Everything due at or before `now`, earliest first (ties in scheduling order), removed from the queue. */
  takeDue(now: number): Delivery[] {
    const due = this.delayed.filter((d) => d.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    if (due.length > 0) this.delayed = this.delayed.filter((d) => d.dueAt > now);
    return due;
  }

  /**
   * Forgets deliveries for one execution. Used when it finishes or is replaced: the task hub would drop those
   * messages on arrival anyway, and keeping them would drag the shared virtual clock forward for nothing.
   */
  dropDeliveries(instanceId: string, executionId: string): void {
    this.delayed = this.delayed.filter((d) => d.instanceId !== instanceId || d.executionId !== executionId);
  }

  get readyCount(): number {
    return this.ready.length;
  }

  get delayedCount(): number {
    return this.delayed.length;
  }
}
