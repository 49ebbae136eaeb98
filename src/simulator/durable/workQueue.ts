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

type Scheduled = Delivery & { seq: number };

function earlier(a: Scheduled, b: Scheduled): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
}

export class WorkQueue {
  private readonly ready: ReadyWork[] = [];
  private readyHead = 0;
  /** A binary min-heap on (dueAt, seq): 1,000 waiting repairs each hold a timer, and every step asks what is due. */
  private delayed: Scheduled[] = [];
  private seq = 0;

  enqueue(work: ReadyWork): void {
    this.ready.push(work);
  }

  dequeue(): ReadyWork | undefined {
    if (this.readyHead >= this.ready.length) return undefined;
    const work = this.ready[this.readyHead];
    this.ready[this.readyHead] = undefined as unknown as ReadyWork;
    this.readyHead += 1;
    // Compact now and then instead of shifting the array on every dequeue.
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready.splice(0, this.readyHead);
      this.readyHead = 0;
    }
    return work;
  }

  schedule(delivery: Delivery): void {
    this.delayed.push(Object.assign({}, delivery, { seq: this.seq++ }));
    this.siftUp(this.delayed.length - 1);
  }

  nextDueAt(): number | undefined {
    return this.delayed[0]?.dueAt;
  }

  /** Everything due at or before `now`, earliest first (ties in scheduling order), removed from the queue. */
  takeDue(now: number): Delivery[] {
    const due: Delivery[] = [];
    while (this.delayed.length > 0 && (this.delayed[0] as Scheduled).dueAt <= now) due.push(this.pop());
    return due;
  }

  /**
   * Forgets deliveries for one execution. Used when it finishes or is replaced: the task hub would drop those
   * messages on arrival anyway, and keeping them would drag the shared virtual clock forward for nothing.
   */
  dropDeliveries(instanceId: string, executionId: string): void {
    const kept = this.delayed.filter((d) => d.instanceId !== instanceId || d.executionId !== executionId);
    if (kept.length === this.delayed.length) return;
    this.delayed = kept;
    for (let i = (kept.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  get readyCount(): number {
    return this.ready.length - this.readyHead;
  }

  get delayedCount(): number {
    return this.delayed.length;
  }

  private pop(): Scheduled {
    const heap = this.delayed;
    const top = heap[0] as Scheduled;
    const last = heap.pop() as Scheduled;
    if (heap.length > 0) {
      heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(index: number): void {
    const heap = this.delayed;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i] as Scheduled, heap[parent] as Scheduled)) break;
      [heap[i], heap[parent]] = [heap[parent] as Scheduled, heap[i] as Scheduled];
      i = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.delayed;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && earlier(heap[left] as Scheduled, heap[smallest] as Scheduled)) smallest = left;
      if (right < heap.length && earlier(heap[right] as Scheduled, heap[smallest] as Scheduled)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest] as Scheduled, heap[i] as Scheduled];
      i = smallest;
    }
  }
}
