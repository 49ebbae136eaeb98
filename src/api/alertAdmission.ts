/**
 * Whether an alert's repair request may start now, and starting it: scope (pure, before any I/O, so alerts from
 * subscriptions this app may not touch cost nothing), then the VM's previous repair (running -> dropped; ended
 * within the cooldown -> dropped), then startRepairFor (scope again, one repair per VM, the start race).
 * MAX_CONCURRENT_REPAIRS is not judged here: every admitted repair starts and waits for a slot of the fleet-wide
 * gate (the `repairSlots` entity, orchestration/steps/repairSlotStep.ts) before its first read of the VM, so no
 * alert is dropped at the limit and the limit holds across scaled-out instances. Decisions are the pure functions
 * of alerts/admissionPolicy.ts; this file only asks the durable client (one getStatus per VM, never a listing).
 */
import { type InstanceStatusLike, previousRepairVerdict } from '../alerts/admissionPolicy';
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
      reason: Extract<IgnoreReason, 'scopesNotConfigured' | 'outOfScope' | 'alreadyRunning' | 'coolingDown'>;
      message: string;
      id?: string;
    };

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
  const decision = await startRepairFor(client, config, repair);
  switch (decision.kind) {
    case 'started':
      return { kind: 'started', id: decision.id };
    case 'alreadyRunning':
      return {
        kind: 'ignored',
        reason: 'alreadyRunning',
        id: decision.id,
        message: 'A repair of this VM started meanwhile; the alert is acknowledged and dropped.',
      };
    case 'scopesNotConfigured':
    case 'outOfScope':
      // Checked above with the same config; kept so a future change to startRepairFor cannot be silently unmapped.
      return (
        scopeRefusal(config, repair) ?? {
          kind: 'ignored',
          reason: decision.kind,
          message: `${repair.vm.id} is outside REPAIR_ALLOWED_SCOPES.`,
        }
      );
  }
}
