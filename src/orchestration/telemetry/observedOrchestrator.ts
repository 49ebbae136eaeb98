/**
 * Telemetry for a repair orchestration without touching its flow: the wrapper watches every status the flow
 * publishes (context.df.setCustomStatus) and the status it returns, and emits an event for each step that ended
 * and one for the outcome (repairEvents.ts).
 *
 * Exactly once per real step: the orchestrator runs again from the start for every new history event (replay).
 * durable-functions marks the code that runs for events already in the history with `context.df.isReplaying`;
 * what the wrapper sees while replaying was emitted by the episode that first ran it, so it is only noted as
 * seen. Each episode starts with a fresh wrapper (a new generator), so nothing is kept in memory across episodes.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { RepairStatus } from '../../domain/repairStatus';
import type { Telemetry, TelemetryEvent, TelemetryMetric } from '../../domain/telemetry';
import type { Gen } from '../flow';
import type { RepairOrchestrationInput } from '../orchestrationInput';
import { repairCrashed, repairEnding, repairStartedEvent, stepEndedEvent } from './repairEvents';

function isRepairStatus(value: unknown): value is RepairStatus {
  const v = value as Partial<RepairStatus> | null;
  return typeof v === 'object' && v !== null && typeof v.repairId === 'string' && Array.isArray(v.timeline);
}

class RepairObserver {
  private started = false;
  private readonly ended = new Set<number>();
  latest: RepairStatus | null = null;

  constructor(
    private readonly context: OrchestrationContext,
    private readonly telemetry: Telemetry,
  ) {}

  saw(status: unknown): void {
    if (!isRepairStatus(status)) return;
    this.latest = status;
    const live = !this.context.df.isReplaying;
    if (!this.started) {
      this.started = true;
      if (live) this.emit(repairStartedEvent(status));
    }
    status.timeline.forEach((entry, index) => {
      if (entry.status === 'running' || this.ended.has(index)) return;
      this.ended.add(index);
      if (live) this.emit(stepEndedEvent(status, entry, index));
    });
  }

  finished(ending: { event: TelemetryEvent; metrics: TelemetryMetric[] }): void {
    if (this.context.df.isReplaying) return;
    this.emit(ending.event);
    for (const metric of ending.metrics) this.guard(() => this.telemetry.metric(metric));
  }

  private emit(event: TelemetryEvent): void {
    this.guard(() => this.telemetry.event(event));
  }

  /** Monitoring must never change how a repair goes: a sink that throws is reported in the log and left behind. */
  private guard(send: () => void): void {
    try {
      send();
    } catch (err) {
      this.context.warn(`telemetry could not be sent: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** The repair orchestrator `handler` with its events and metrics sent to `telemetry` (see the module comment). */
export function observedRepairOrchestrator(handler: OrchestrationHandler, telemetry: Telemetry): OrchestrationHandler {
  return function* (context: OrchestrationContext): Gen<unknown> {
    const observer = new RepairObserver(context, telemetry);
    const df = context.df;
    const publish = df.setCustomStatus.bind(df);
    df.setCustomStatus = (status: unknown) => {
      publish(status);
      observer.saw(status);
    };
    let result: unknown;
    try {
      result = yield* handler(context) as Gen<unknown>;
    } catch (err) {
      const { repairId } = df.getInput<RepairOrchestrationInput>();
      const message = err instanceof Error ? err.message : String(err);
      observer.finished(repairCrashed(observer.latest, repairId, df.currentUtcDateTime.toISOString(), message));
      throw err;
    }
    if (isRepairStatus(result)) {
      observer.saw(result);
      observer.finished(repairEnding(result, df.currentUtcDateTime.toISOString()));
    }
    return result;
  };
}
