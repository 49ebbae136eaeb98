/**
 * POST /api/repairs/{id}/cleanup: run the cleanup of an ended repair alone (sub-orchestration id
 * `<id>:cleanup:1`, replaced if an earlier cleanup of the repair ended): it deletes what the repair left tagged
 * with its id, as at the end of an offline repair. 404 for an unknown repair, 409 while the repair (or a cleanup
 * of it) runs: a running repair cleans up at its own end. GET /api/repairs/{id}/cleanup shows the last cleanup's
 * results. A copy that the repair swapped in (the status's swappedAt) is kept; a configured rescue VM is never
 * touched.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { quoteInput } from '../domain/echo';
import { isRepairInstanceId } from '../domain/instanceId';
import type { RepairStatus } from '../domain/repairStatus';
import type { CleanupOrchestrationInput } from '../orchestration/cleanup/cleanupOrchestrator';
import { CLEANUP_ORCHESTRATOR } from '../orchestration/names';
import type { RepairOrchestrationInput } from '../orchestration/orchestrationInput';
import type { ApiDependencies } from './apiDependencies';
import { errorResponse, jsonResponse } from './httpResponses';
import { isUnknownInstanceError, type RepairClient } from './repairClient';

const ACTIVE = new Set(['Pending', 'Running', 'ContinuedAsNew', 'Suspended']);

export function cleanupInstanceId(repairId: string): string {
  return `${repairId}:cleanup:1`;
}

const notFound = (id: string) =>
  errorResponse(404, 'RepairNotFound', `No repair has the id ${quoteInput(id)}. Repair ids look like rdprepair-<vm name>-<16 hex digits>.`);

async function statusOf(client: RepairClient, id: string) {
  try {
    return (await client.getStatus(id, { showInput: true })) ?? null;
  } catch (err) {
    if (isUnknownInstanceError(err)) return null;
    throw err;
  }
}

export async function startCleanup(request: HttpRequest, context: InvocationContext, deps: ApiDependencies): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  if (!isRepairInstanceId(id)) return notFound(id);
  const client = deps.client(context);
  const repair = await statusOf(client, id);
  if (!repair) return notFound(id);
  if (ACTIVE.has(String(repair.runtimeStatus))) {
    return errorResponse(409, 'RepairRunning', `The repair ${id} is still ${repair.runtimeStatus}: it cleans up at its own end.`, {
      id,
      runtimeStatus: repair.runtimeStatus,
    });
  }
  const cleanupId = cleanupInstanceId(id);
  const previous = await statusOf(client, cleanupId);
  if (previous && ACTIVE.has(String(previous.runtimeStatus))) {
    return errorResponse(409, 'CleanupRunning', `A cleanup of the repair ${id} is running (${cleanupId}).`, { id, cleanupId });
  }
  const input = repair.input as RepairOrchestrationInput;
  const output = (repair.output ?? null) as RepairStatus | null;
  const a = output?.artifacts;
  const cleanup: CleanupOrchestrationInput = {
    repairId: id,
    request: input.request,
    settings: input.settings,
    startedAt: deps.now().toISOString(),
    keepDiskIds: a?.swappedAt && a.copyDiskId ? [a.copyDiskId] : [],
    configuredRescueVmId: input.request.rescueVmResourceId ?? null,
  };
  await client.startNew(CLEANUP_ORCHESTRATOR, { instanceId: cleanupId, input: cleanup });
  context.log(`repair ${id}: cleanup ${cleanupId} started`);
  return jsonResponse(202, { id, cleanupId, note: `GET /api/repairs/${id}/cleanup shows what it deleted and kept.` });
}

export async function getCleanup(request: HttpRequest, context: InvocationContext, deps: ApiDependencies): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  if (!isRepairInstanceId(id)) return notFound(id);
  const status = await statusOf(deps.client(context), cleanupInstanceId(id));
  if (!status) return errorResponse(404, 'CleanupNotFound', `No cleanup of the repair ${quoteInput(id)} has run.`);
  const body = (status.output ?? status.customStatus ?? null) as { status?: RepairStatus } | RepairStatus | null;
  const view = body && 'status' in body && body.status ? body.status : (body as RepairStatus | null);
  return jsonResponse(200, {
    id,
    cleanupId: cleanupInstanceId(id),
    runtimeStatus: status.runtimeStatus,
    cleanup: view?.cleanup ?? [],
    findings: view?.findings ?? [],
  });
}
