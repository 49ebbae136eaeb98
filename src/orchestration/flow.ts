/**
 * What every phase of the repair shares: the durable context, the status being built, the settings, the undo
 * log, and the one typed way to call an activity. Kept free of I/O: it only schedules work through the durable
 * context. Expected failures come back as values (`Ended`), never as exceptions, so whoever ends the repair can
 * still settle the undo log and say what was left.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { ActivityInput, ActivityName, ActivityOutput } from '../domain/activityContracts';
import type { ActivityResult, PermanentFailure } from '../domain/activityResult';
import type { RepairSettings } from '../domain/config';
import type { RepairRequest } from '../domain/repairRequest';
import type { Finding, Outcome, RepairStatus, UndoRecord } from '../domain/repairStatus';
import { withChangesNote } from './decisions/outcome';
import { addFinding, beginStep, endStep, skipStep, statusForCustomStatus } from './statusModel';

// biome-ignore lint/suspicious/noExplicitAny: durable-functions resumes the generator with each task's result, typed only at the yield.
export type Gen<T> = Generator<Task, T, any>;

/** A phase or step that went on, with what it learned. */
export interface Continue<T> {
  readonly kind: 'continue';
  readonly facts: T;
}

/** A phase or step that ends the repair, with the outcome it decided. */
export interface Ended {
  readonly kind: 'end';
  readonly outcome: Outcome;
}

export type PhaseResult<T> = Continue<T> | Ended;

export function proceed<T>(facts: T): Continue<T> {
  return { kind: 'continue', facts };
}

export function end(outcome: Outcome): Ended {
  return { kind: 'end', outcome };
}

export class Flow {
  private readonly retry: df.RetryOptions;
  private sequence = 0;
  /** The durable waits for the cancel event opened so far (steps/cancelStep.ts); a cancel completes one of them. */
  readonly cancelWaits: Task[] = [];

  constructor(
    readonly context: OrchestrationContext,
    readonly status: RepairStatus,
    readonly request: RepairRequest,
    readonly settings: RepairSettings,
    readonly repairId: string,
  ) {
    this.retry = new df.RetryOptions(settings.activityRetryFirstIntervalSeconds * 1000, settings.activityRetryAttempts);
    this.retry.backoffCoefficient = 2;
  }

  now(): string {
    return this.context.df.currentUtcDateTime.toISOString();
  }

  nowMs(): number {
    return this.context.df.currentUtcDateTime.getTime();
  }

  /** The status while the repair runs (bounded to Durable Functions' custom-status limit); the output has it all. */
  publish(): void {
    this.context.df.setCustomStatus(statusForCustomStatus(this.status));
  }

  /** A number unique within this orchestration, stable across replays (names for Run Command runs). */
  nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }

  begin(step: string, detail = ''): void {
    beginStep(this.status, step, this.now(), detail);
    this.publish();
  }

  end(step: string, detail: string, result: 'succeeded' | 'failed' = 'succeeded'): void {
    endStep(this.status, step, result, this.now(), detail);
    this.publish();
  }

  skip(step: string, detail: string): void {
    skipStep(this.status, step, this.now(), detail);
    this.publish();
  }

  find(finding: Finding): void {
    addFinding(this.status, finding);
  }

  /** Appends to the undo log as a write happens (see UndoRecord). */
  wrote(record: UndoRecord): void {
    this.status.undoLog.push(record);
  }

  /** Updates the detail of the running entry (progress such as "42% copied") without a new timeline row. */
  progress(detail: string): void {
    const entry = this.status.timeline[this.status.timeline.length - 1];
    if (entry && entry.status === 'running') entry.detail = detail;
    this.publish();
  }

  wait(seconds: number): Task {
    return this.context.df.createTimer(new Date(this.nowMs() + seconds * 1000));
  }

  /**
   * Calls an activity (durable retries for transient failures). A permanent failure, or transient ones past the
   * retries, come back as `Ended` with an outcome that names the step.
   */
  *call<N extends ActivityName>(name: N, input: ActivityInput<N>, step: string): Gen<PhaseResult<ActivityOutput<N>>> {
    let result: ActivityResult<ActivityOutput<N>>;
    try {
      result = yield this.context.df.callActivityWithRetry(name, this.retry, input);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return end(
        withChangesNote(
          {
            kind: 'NotRepaired',
            reason: `Azure kept failing during ${step} after ${this.settings.activityRetryAttempts} attempts: ${firstLine(message)}`,
            advice: ['This looks transient (throttling or a service error): start the repair again in a few minutes.'],
          },
          this.status,
        ),
      );
    }
    if (!result.ok) return end(withChangesNote(permanentOutcome(step, result.failure), this.status));
    return proceed(result.value);
  }
}

export function firstLine(text: string): string {
  // durable-functions prefixes "Activity function 'x' failed: " and appends the .NET exception; keep the gist.
  const line = text
    .replace(/^Activity function '[^']+' failed:\s*/, '')
    .split('\n')[0]
    .trim();
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

function permanentOutcome(step: string, failure: PermanentFailure): Outcome {
  if (failure.code === 'ActivityBug') {
    return {
      kind: 'NotRepaired',
      reason: `${step} failed because of a bug in rdp-autorepair (${firstLine(failure.message)}); retrying would only repeat it.`,
      advice: ['Report this to the maintainers of rdp-autorepair with the repair id; the status lists what was changed before it.'],
    };
  }
  const advice: string[] = [];
  if (failure.statusCode === 403) {
    advice.push("Grant the app's managed identity the rdp-autorepair role (see README, Permissions) on the VM's resource group.");
  }
  if (failure.statusCode === 404) advice.push('The resource disappeared or the id is wrong; check it in the portal.');
  return {
    kind: failure.statusCode === 404 && step === 'preflight' ? 'Rejected' : 'NotRepaired',
    reason: `${step} failed: ${failure.operation}: ${failure.code}: ${firstLine(failure.message)}`,
    advice,
  };
}
