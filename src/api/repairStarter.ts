/**
 * Starting a repair, whoever asks (an HTTP call, an alert): scope policy, one repair per VM, and the race
 * between two starts for the same VM. Callers map the decision to their own answer (an HTTP status, an alert
 * acknowledgement).
 */
import type { AppConfig } from '../domain/config';
import { repairInstanceId } from '../domain/instanceId';
import type { RepairRequest } from '../domain/repairRequest';
import { isInScope } from '../domain/scope';
import { REPAIR_ORCHESTRATOR } from '../orchestration/names';
import type { RepairOrchestrationInput } from '../orchestration/orchestrationInput';
import { isUnknownInstanceError, type RepairClient } from './repairClient';

export type StartDecision =
  | { kind: 'started'; id: string }
  | { kind: 'alreadyRunning'; id: string }
  | { kind: 'scopesNotConfigured' }
  | { kind: 'outOfScope'; allowed: string[] };

const ACTIVE = new Set(['Pending', 'Running', 'ContinuedAsNew', 'Suspended']);

export async function isRepairActive(client: RepairClient, id: string): Promise<boolean> {
  try {
    const status = await client.getStatus(id);
    return Boolean(status && ACTIVE.has(String(status.runtimeStatus)));
  } catch (err) {
    if (isUnknownInstanceError(err)) return false;
    throw err;
  }
}

export async function startRepairFor(client: RepairClient, config: AppConfig, repair: RepairRequest): Promise<StartDecision> {
  if (config.scopesUnset) return { kind: 'scopesNotConfigured' };
  if (!isInScope(repair.vm.key, config.scopes)) return { kind: 'outOfScope', allowed: config.scopes.map((s) => s.key) };
  const id = repairInstanceId(repair.vm.key);
  if (await isRepairActive(client, id)) return { kind: 'alreadyRunning', id };
  const input: RepairOrchestrationInput = { repairId: id, request: repair, settings: config.settings };
  try {
    await client.startNew(REPAIR_ORCHESTRATOR, { instanceId: id, input });
  } catch (err) {
    // Two starts raced past the check above: the loser is told a repair is running, as if it had come second.
    if (await isRepairActive(client, id)) return { kind: 'alreadyRunning', id };
    throw err;
  }
  return { kind: 'started', id };
}
