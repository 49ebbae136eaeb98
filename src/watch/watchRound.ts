/**
 * One round of the watch: find the opted-in VMs, check them with bounded concurrency within the time budget,
 * decide per VM (watchDecision.ts), send the events, keep each VM's state and the round's summary. Every
 * dependency is passed in; nothing here reads the environment or a clock of its own.
 */
import type { ActivityDeps } from '../activities/deps';
import { classifyAzureError } from '../azure/errors';
import { type AppConfig, type Env, readConfig } from '../domain/config';
import { ConfigurationError } from '../domain/errors';
import { readWatchConfig, type WatchConfig } from '../domain/watchConfig';
import type { VmFacts } from '../domain/vmFacts';
import { checkVm } from './watchCheck';
import { decideWatch, stateIfUnsent, type WatchDecision } from './watchDecision';
import { discoverWatchedVms } from './watchDiscovery';
import { connectionFailedEvent, episodeEventId, recoveredEvent, type WatchEvent } from './watchEvents';
import type { WatchObservation, WatchRoundSummary, WatchVmState } from './watchState';

/** Where VM states and the round summary are kept (Durable Entities in the app: watchStore.ts). */
export interface WatchStore {
  read(vmResourceId: string): Promise<WatchVmState | null>;
  write(state: WatchVmState): Promise<void>;
  writeRound(summary: WatchRoundSummary): Promise<void>;
}

export interface WatchRoundDeps {
  env: Env;
  activities: ActivityDeps;
  store: WatchStore;
  /** Sends to the topic; null when WATCH_EVENT_TOPIC_ENDPOINT is unset. */
  sink: WatchEventSink | null;
  /** With no topic: hands a ConnectionFailed to the same start path the Event Grid trigger uses. Returns what it decided. */
  startDirect(event: WatchEvent): Promise<string>;
  /** The instant stamped on states and events (the virtual clock in the simulator). */
  now(): Date;
  /** Elapsed real milliseconds from an arbitrary origin: the budget is real time, because probes take real time. */
  monotonicMs(): number;
  log(line: string): void;
  warn(line: string): void;
}

export interface WatchEventSink {
  send(events: WatchEvent[]): Promise<void>;
}

export type WatchRoundResult =
  | { kind: 'disabled' }
  | { kind: 'misconfigured'; setting: string; message: string }
  | { kind: 'ran'; summary: WatchRoundSummary; lines: string[] };

/** Margin kept before the budget's end for one VM's reads and a probe's three stage timeouts. */
function perVmReserveMs(probeTimeoutMs: number): number {
  return 3 * probeTimeoutMs + 5000;
}

export async function runWatchRound(deps: WatchRoundDeps): Promise<WatchRoundResult> {
  let watch: WatchConfig;
  let app: AppConfig;
  try {
    watch = readWatchConfig(deps.env);
    if (!watch.enabled) return { kind: 'disabled' };
    app = readConfig(deps.env);
  } catch (err) {
    if (err instanceof ConfigurationError) {
      deps.warn(`WatchRound misconfigured setting=${err.setting} | ${err.message}. Nothing was checked.`);
      return { kind: 'misconfigured', setting: err.setting, message: err.message };
    }
    throw err;
  }
  const startedMs = deps.monotonicMs();
  const startedAt = deps.now();
  if (app.scopesUnset) {
    deps.warn(
      'WatchRound misconfigured setting=REPAIR_ALLOWED_SCOPES | unset: the watch looks for VMs only within it. Nothing was checked.',
    );
    return { kind: 'misconfigured', setting: 'REPAIR_ALLOWED_SCOPES', message: 'REPAIR_ALLOWED_SCOPES is unset.' };
  }
  const discovery = await discoverWatchedVms(deps.activities.arm, app.scopes);
  for (const f of discovery.failures) deps.warn(`WatchScopeUnlisted scope="${f.scope}" | ${f.reason}`);

  const deadline = startedMs + watch.budgetMs - perVmReserveMs(app.settings.probeTimeoutMs);
  const lines: string[] = [];
  const summary: WatchRoundSummary = {
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    checked: 0,
    healthy: 0,
    degraded: 0,
    broken: 0,
    unreachable: 0,
    inconclusive: 0,
    skipped: 0,
    notReached: 0,
    events: 0,
    publishFailures: 0,
    vmResourceIds: discovery.vms.map((v) => v.id),
  };

  const one = async (vm: VmFacts): Promise<void> => {
    const observation: WatchObservation =
      deps.monotonicMs() >= deadline ? { kind: 'notReached' } : await observe(vm, deps.activities, app.settings);
    count(summary, observation);
    const previous = await deps.store.read(vm.id);
    const at = deps.now();
    const decision = decideWatch({
      vmResourceId: vm.id,
      previous,
      observation,
      at,
      failuresBeforeEvent: watch.failuresBeforeEvent,
      newEventId: episodeEventId(vm.id, at),
    });
    const sent = await send(decision, previous, watch, deps);
    if (sent.sent) summary.events++;
    if (sent.error) summary.publishFailures++;
    await deps.store.write(sent.sent || !decision.event ? decision.next : stateIfUnsent(previous, decision));
    const line =
      `WatchVm vm="${vm.id}" observation=${observation.kind}` +
      (observation.kind === 'probed'
        ? ` verdict=${observation.verdict} stage=${observation.stage} error=${observation.error ?? '-'}`
        : '') +
      ` event=${decision.event ?? 'none'}${sent.error ? ' sendFailed=true' : ''} | ${decision.why}${sent.note ? `; ${sent.note}` : ''}`;
    lines.push(line);
    if (sent.error) deps.warn(line);
    else deps.log(line);
  };

  await inPool(discovery.vms, watch.concurrency, one);
  summary.durationMs = Math.round(deps.monotonicMs() - startedMs);
  await deps.store.writeRound(summary);
  deps.log(
    `WatchRound checked=${summary.checked} healthy=${summary.healthy} degraded=${summary.degraded} broken=${summary.broken} ` +
      `unreachable=${summary.unreachable} inconclusive=${summary.inconclusive} skipped=${summary.skipped} ` +
      `notReached=${summary.notReached} events=${summary.events} publishFailures=${summary.publishFailures} ` +
      `durationMs=${summary.durationMs} budgetMs=${watch.budgetMs} scopesUnlisted=${discovery.failures.length}`,
  );
  return { kind: 'ran', summary, lines };
}

async function observe(vm: VmFacts, activities: ActivityDeps, settings: AppConfig['settings']): Promise<WatchObservation> {
  try {
    return await checkVm(vm, activities, settings);
  } catch (err) {
    // A transient ARM failure (throttling, a timeout): no evidence about RDP this round.
    return { kind: 'notWatchable', reason: `ARM did not answer: ${classifyAzureError(err, 'read VM', vm.id).message}` };
  }
}

function count(summary: WatchRoundSummary, o: WatchObservation): void {
  if (o.kind !== 'probed') {
    summary.skipped++;
    if (o.kind === 'notReached') summary.notReached++;
    return;
  }
  summary.checked++;
  summary[o.verdict]++;
}

async function send(
  decision: WatchDecision,
  previous: WatchVmState | null,
  watch: WatchConfig,
  deps: WatchRoundDeps,
): Promise<{ sent: boolean; error?: string; note?: string }> {
  if (!decision.event) return { sent: false };
  const event =
    decision.event === 'ConnectionFailed'
      ? connectionFailedEvent(decision.next, watch.failuresBeforeEvent)
      : recoveredEvent(decision.next, previous?.episode?.eventId ?? 'unknown');
  try {
    if (deps.sink) {
      await deps.sink.send([event]);
      return { sent: true, note: `published ${event.eventType} id=${event.id} to the topic` };
    }
    if (decision.event === 'Recovered') return { sent: true, note: 'no topic configured: Recovered is only logged' };
    const decided = await deps.startDirect(event);
    return { sent: true, note: `no topic configured: start path decided ${decided}` };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      sent: false,
      error: message,
      note: `sending ${event.eventType} failed (${message.slice(0, 200)}); the next round tries again`,
    };
  }
}

/** Runs `work` over `items` with at most `limit` at once. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
