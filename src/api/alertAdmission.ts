/**
 * Whether an alert's repair request may start now, and starting it: scope (pure, before any I/O, so alerts from
 * subscriptions this app may not touch cost nothing), then the VM's previous repair (running -> dropped; ended
 * within the cooldown -> dropped), then the concurrency limit, then startRepairFor (scope again, one repair per
 * VM, the start race). Decisions are the pure functions of alerts/admissionPolicy.ts; this file only asks the
 * durable client.
 *
 * Counting active repairs and starting one are serialized within this process: otherwise a burst of N
 * concurrent invocations would all count the same "19 running" and start N repairs past the limit. Across
 * scaled-out instances the limit can be exceeded by at most one start per instance racing at the same moment.
 */
import type * as df from 'durable-functions';
import {
  ACTIVE_RUNTIME_STATUSES,
  concurrencyVerdict,
  countActiveRepairs,
  type InstanceStatusLike,
  previousRepairVerdict,
} from '../alerts/admissionPolicy';
import type { IgnoreReason } from '../alerts/alertDecision';
import type { AlertPolicy } from '../domain/alertPolicyConfig';
import type { AppConfig } from '../domain/config';
import { repairInstanceId } from '../domain/instanceId';
import type { RepairRequest } from '../domain/repairRequest';
import { isInScope } from '../domain/scope';
import { isUnknownInstanceError, type RepairClient } from './repairClient';
import { startRepairFor } from './repairStarter';

export interface AdmissionDeps {
  client: RepairClient;
  config: AppConfig;
  policy: AlertPolicy;
  now: () => Date;
}

export type Admission =
  | { kind: 'started'; id: string }
  | {
      kind: 'ignored';
      reason: Extract<IgnoreReason, 'scopesNotConfigured' | 'outOfScope' | 'alreadyRunning' | 'coolingDown' | 'concurrencyLimit'>;
      message: string;
      id?: string;
    };

const ACTIVE_FILTER = ACTIVE_RUNTIME_STATUSES.map((s) => s as df.OrchestrationRuntimeStatus);

let tail: Promise<unknown> = Promise.resolve();

/** Runs `work` after every earlier call's work has settled (a one-slot queue per process). */
function serialized<T>(work: () => Promise<T>): Promise<T> {
  const run = tail.then(work, work);
  tail = run.catch(() => undefined);
  return run;
}

async function previousStatus(client: RepairClient, id: string): Promise<InstanceStatusLike | undefined> {
  try {
    return (await client.getStatus(id, { showInput: false })) ?? undefined;
  } catch (err) {
    if (isUnknownInstanceError(err)) return undefined;
    throw err;
  }
}

function scopeRefusal(config: AppConfig, repair: RepairRequest): Admission | undefined {
  if (config.scopesUnset) {
    return { kind: 'ignored', reason: 'scopesNotConfigured', message: 'REPAIR_ALLOWED_SCOPES is not set, so every repair is refused.' };
  }
  if (!isInScope(repair.vm.key, config.scopes)) {
    return { kind: 'ignored', reason: 'outOfScope', message: `${repair.vm.id} is outside REPAIR_ALLOWED_SCOPES.` };
  }
  return undefined;
}

export async function admitAlertRepair(deps: AdmissionDeps, repair: RepairRequest): Promise<Admission> {
  const { client, config, policy } = deps;
  const refused = scopeRefusal(config, repair);
  if (refused) return refused;
  const id = repairInstanceId(repair.vm.key);
  const previous = previousRepairVerdict(await previousStatus(client, id), deps.now(), policy.cooldownMinutes);
  if (previous.kind === 'active') {
    return {
      kind: 'ignored',
      reason: 'alreadyRunning',
      id,
      message: `A repair of this VM is already ${previous.runtimeStatus}; the alert is acknowledged and dropped.`,
    };
  }
  if (previous.kind === 'coolingDown') {
    return {
      kind: 'ignored',
      reason: 'coolingDown',
      id,
      message:
        `This VM's last repair ended (${previous.runtimeStatus}) at ${previous.endedAt.toISOString()}; ` +
        `REPAIR_COOLDOWN_MINUTES=${policy.cooldownMinutes} allows the next one from ${previous.until.toISOString()}.`,
    };
  }
  return serialized(async () => {
    const active = countActiveRepairs(await client.getStatusBy({ runtimeStatus: ACTIVE_FILTER }));
    const capacity = concurrencyVerdict(active, policy.maxConcurrentRepairs);
    if (capacity.kind === 'atLimit') {
      return {
        kind: 'ignored' as const,
        reason: 'concurrencyLimit' as const,
        message: `${capacity.active} repairs are running; MAX_CONCURRENT_REPAIRS=${capacity.max}, so this alert is dropped.`,
      };
    }
    const decision = await startRepairFor(client, config, repair);
    switch (decision.kind) {
      case 'started':
        return { kind: 'started' as const, id: decision.id };
      case 'alreadyRunning':
        return {
          kind: 'ignored' as const,
          reason: 'alreadyRunning' as const,
          id: decision.id,
          message: 'A repair of this VM started meanwhile; the alert is acknowledged and dropped.',
        };
      case 'scopesNotConfigured':
      case 'outOfScope':
        // Checked above with the same config; kept so a future change to startRepairFor cannot be silently unmapped.
        return (
          scopeRefusal(config, repair) ?? {
            kind: 'ignored' as const,
            reason: decision.kind,
            message: `${repair.vm.id} is outside REPAIR_ALLOWED_SCOPES.`,
          }
        );
    }
  });
}
