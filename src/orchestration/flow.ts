/**
 * What every step of the repair flow shares: the durable context, the status being built, the settings, and
 * the one way to call an activity (durable retries for transient failures; a permanent failure ends the flow
 * with an outcome). Kept free of I/O: it only schedules work through the durable context.
 */
import * as df from 'durable-functions';
import { OrchestrationContext, Task } from 'durable-functions';
import { ActivityResult, PermanentFailure } from '../domain/activityResult';
import { RepairSettings } from '../domain/config';
import { RepairRequest } from '../domain/repairRequest';
import { Finding, Outcome, RepairStatus } from '../domain/repairStatus';
import { ActivityName } from './names';
import { addFinding, beginStep, endStep, skipStep, statusForCustomStatus } from './statusModel';

export type Gen<T> = Generator<Task, T, any>;

/** Raised inside the flow to end it early with an outcome. */
export class FlowEnded extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome.reason);
  }
}

export class Flow {
  private readonly retry: df.RetryOptions;
  private sequence = 0;

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

  /** Updates the detail of the running entry (progress such as "42% copied") without a new timeline row. */
  progress(detail: string): void {
    const entry = this.status.timeline[this.status.timeline.length - 1];
    if (entry && entry.status === 'running') entry.detail = detail;
    this.publish();
  }

  wait(seconds: number): Task {
    return this.context.df.createTimer(new Date(this.nowMs() + seconds * 1000));
  }

  *call<T>(name: ActivityName, input: unknown, step: string): Gen<T> {
    let result: ActivityResult<T>;
    try {
      result = yield this.context.df.callActivityWithRetry(name, this.retry, input);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new FlowEnded({
        kind: 'NotRepaired',
        reason: `Azure kept failing during ${step} after ${this.settings.activityRetryAttempts} attempts: ${firstLine(message)}`,
        advice: ['This looks transient (throttling or a service error): start the repair again in a few minutes.'],
      });
    }
    if (!result.ok) throw new FlowEnded(permanentOutcome(step, result.failure));
    return result.value;
  }
}

export function firstLine(text: string): string {
  // durable-functions prefixes "Activity function 'x' failed: " and appends the .NET exception; keep the gist.
  const line = text.replace(/^Activity function '[^']+' failed:\s*/, '').split('\n')[0].trim();
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

function permanentOutcome(step: string, failure: PermanentFailure): Outcome {
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
