/**
 * The repair HTTP API: POST /api/repairs, GET /api/repairs/{id}, GET /api/repairs?vmResourceId=.
 * A GET whose Accept names text/html gets the status page (statusPage.ts) instead of the JSON.
 * Validation and policy come from domain/; this file maps them to status codes and talks to the durable client.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { type AppConfig, readConfig } from '../domain/config';
import { quoteInput } from '../domain/echo';
import { ConfigurationError } from '../domain/errors';
import { isRepairInstanceId, repairInstanceId } from '../domain/instanceId';
import { startRepairFor } from './repairStarter';
import { describeProblems, validateRepairRequest } from '../domain/repairRequest';
import { parseVmResourceId } from '../domain/vmResourceId';
import type { ApiDependencies } from './apiDependencies';
import { errorResponse, jsonResponse } from './httpResponses';
import { readJsonBody } from './readJsonBody';
import { isUnknownInstanceError, type RepairClient } from './repairClient';
import { statusPageResponse, wantsHtml } from './statusPageResponse';
import { toStatusView } from './statusView';
import { lookUpRunningChild, withChildProgress } from './childProgress';

function statusUrlFor(request: HttpRequest, id: string): string {
  const url = new URL(request.url);
  return `${url.origin}/api/repairs/${encodeURIComponent(id)}`;
}

function loadConfig(env: Record<string, string | undefined>): { ok: true; config: AppConfig } | { ok: false; response: HttpResponseInit } {
  try {
    return { ok: true, config: readConfig(env) };
  } catch (err) {
    if (err instanceof ConfigurationError) {
      return {
        ok: false,
        response: errorResponse(500, 'ConfigurationError', `The app is misconfigured: ${err.message}`, { setting: err.setting }),
      };
    }
    throw err;
  }
}

function conflict(request: HttpRequest, id: string, vmId: string): HttpResponseInit {
  const statusUrl = statusUrlFor(request, id);
  return errorResponse(
    409,
    'RepairAlreadyRunning',
    `A repair of ${vmId} is already running; only one repair per VM runs at a time.`,
    { id, statusUrl },
    { Location: statusUrl },
  );
}

export async function startRepair(request: HttpRequest, context: InvocationContext, deps: ApiDependencies): Promise<HttpResponseInit> {
  const loaded = loadConfig(deps.env());
  if (!loaded.ok) return loaded.response;
  const { config } = loaded;
  const body = await readJsonBody(request);
  if (!body.ok) return errorResponse(body.status, body.code, body.message);
  const validation = validateRepairRequest(body.value, { kind: 'http' }, config.settings.sourcePrefixLimits, config.approvalDefault);
  if (!validation.ok) {
    return errorResponse(
      400,
      'InvalidRequest',
      `The repair request is invalid: ${describeProblems(validation.problems)}`,
      validation.problems,
    );
  }
  const repair = validation.request;
  const decision = await startRepairFor(deps.client(context), config, repair);
  switch (decision.kind) {
    case 'scopesNotConfigured':
      return errorResponse(
        403,
        'ScopesNotConfigured',
        'REPAIR_ALLOWED_SCOPES is not set, so every repair is refused. Set it to the subscriptions or resource groups ' +
          'this app may repair, e.g. /subscriptions/<id>/resourceGroups/<name>.',
        { setting: 'REPAIR_ALLOWED_SCOPES' },
      );
    case 'outOfScope':
      return errorResponse(
        403,
        'OutOfScope',
        `${repair.vm.id} is outside REPAIR_ALLOWED_SCOPES; this app may repair only VMs in: ${decision.allowed.join(', ')}.`,
        { setting: 'REPAIR_ALLOWED_SCOPES' },
      );
    case 'alreadyRunning':
      return conflict(request, decision.id, repair.vm.id);
    case 'started':
      break;
  }
  const id = decision.id;
  context.log(`repair ${id} started for ${repair.vm.id} (mode ${repair.mode}, source http)`);
  const statusUrl = statusUrlFor(request, id);
  return jsonResponse(202, { id, vmResourceId: repair.vm.id, mode: repair.mode, statusUrl }, { Location: statusUrl, 'Retry-After': '10' });
}

export async function getRepair(request: HttpRequest, context: InvocationContext, deps: ApiDependencies): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  if (!isRepairInstanceId(id)) {
    return errorResponse(
      404,
      'RepairNotFound',
      `No repair has the id ${quoteInput(id)}. Repair ids look like rdprepair-<vm name>-<16 hex digits>.`,
    );
  }
  return respondWithStatus(request, deps.client(context), id);
}

export async function findRepair(request: HttpRequest, context: InvocationContext, deps: ApiDependencies): Promise<HttpResponseInit> {
  const raw = request.query.get('vmResourceId');
  if (raw === null || raw.trim() === '') {
    return errorResponse(
      400,
      'InvalidRequest',
      'The query parameter vmResourceId is required: GET /api/repairs?vmResourceId=/subscriptions/.../virtualMachines/<name>.',
    );
  }
  const vm = parseVmResourceId(raw);
  if (!vm.ok) return errorResponse(400, 'InvalidRequest', `vmResourceId ${vm.message}`, [{ field: 'vmResourceId', message: vm.message }]);
  return respondWithStatus(request, deps.client(context), repairInstanceId(vm.value.key), vm.value.id);
}

async function respondWithStatus(request: HttpRequest, client: RepairClient, id: string, vmId?: string): Promise<HttpResponseInit> {
  try {
    const status = await client.getStatus(id, { showInput: true });
    if (!status) throw new Error('HTTP 404');
    const view = withChildProgress(toStatusView(status, statusUrlFor(request, id)), await lookUpRunningChild(client, status));
    return wantsHtml(request.headers.get('accept')) ? statusPageResponse(view) : jsonResponse(200, view, { Vary: 'Accept' });
  } catch (err) {
    if (isUnknownInstanceError(err)) {
      return errorResponse(404, 'RepairNotFound', vmId ? `No repair has been run for ${vmId}.` : `No repair has the id '${id}'.`);
    }
    throw err;
  }
}
