/**
 * SIMULATED: what the durable host emulator reports as it works, so a demo can print a live timeline between
 * steps and a test can watch the order of things. Listeners run synchronously; a throwing listener is a bug in
 * the listener and propagates. Never registered as a function.
 */

export type ProgressEvent =
  | { type: 'instanceStarted'; at: Date; instanceId: string; name: string; parentInstanceId?: string }
  | {
      type: 'episodeCompleted';
      at: Date;
      instanceId: string;
      episode: number;
      runtimeStatus: string;
      newActivities: string[];
      newTimers: Date[];
    }
  | { type: 'activityStarted'; at: Date; instanceId: string; name: string; taskScheduledId: number; run: number }
  | {
      type: 'activityCompleted';
      at: Date;
      instanceId: string;
      name: string;
      taskScheduledId: number;
      ok: boolean;
      error?: string;
      deliverAt: Date;
    }
  | { type: 'timerCreated'; at: Date; instanceId: string; timerId: number; fireAt: Date }
  | { type: 'timerFired'; at: Date; instanceId: string; timerId: number; fireAt: Date }
  | { type: 'eventRaised'; at: Date; instanceId: string; name: string }
  | { type: 'customStatusChanged'; at: Date; instanceId: string; customStatus: unknown }
  | { type: 'instanceFinished'; at: Date; instanceId: string; runtimeStatus: string; output: unknown }
  | { type: 'clockAdvanced'; at: Date; from: Date }
  | { type: 'activityResultLost'; at: Date; instanceId: string; name: string; taskScheduledId: number; redeliverAt: Date }
  | { type: 'workerRestarted'; at: Date; instanceId: string; afterActivity: string; cause: 'crashAfterActivity' | 'lostResult' };

export type ProgressListener = (event: ProgressEvent) => void;

export class ProgressEmitter {
  private readonly listeners = new Set<ProgressListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ProgressEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
