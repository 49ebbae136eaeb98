/**
 * POST /api/repairs/{id}/approve, /reject and /cancel: an operator's decision, delivered to the running repair as a
 * durable external event (the orchestration acts on it at its next gate or safe point). Each answers 404 for an
 * unknown id and 409 for a repair that is not running, and logs who decided what (audit): the caller's principal
 * when App Service authentication supplies one, otherwise "function key" (the worker is not told which key).
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import {
  APPROVAL_EVENT,
  type ApprovalEvent,
  CANCEL_EVENT,
  type CancelEvent,
  DISRUPTIVE_STEPS,
  type DisruptiveStep,
} from '../domain/approval';
import { quoteInput } from '../domain/echo';
import { isRepairInstanceId } from '../domain/instanceId';
import type { ApiDependencies } from './apiDependencies';
import { errorResponse, jsonResponse } from './httpResponses';
import { readJsonBody } from './readJsonBody';
import { isUnknownInstanceError, type RepairClient } from './repairClient';
import { type RunningChildReference, runningChildOf } from './childProgress';
import type { DurableStatusLike, RepairStatusView } from './statusView';

const RUNNING = new Set(['Pending', 'Running']);

/** The principal App Service authentication put on the request, otherwise the only thing known: a function key. */
export function callerOf(request: Pick<HttpRequest, 'user'>): string {
  const user = request.user;
  const name = user?.username?.trim() || user?.id?.trim();
  return name ? `${name}${user?.identityProvider ? ` (${user.identityProvider})` : ''}` : 'function key';
}

type Running =
  | { ok: true; approval: string; status: Partial<RepairStatusView>; child: RunningChildReference | null }
  | { ok: false; response: HttpResponseInit };

async function runningRepair(client: RepairClient, id: string): Promise<Running> {
  if (!isRepairInstanceId(id)) {
    return {
      ok: false,
      response: errorResponse(
        404,
        'RepairNotFound',
        `No repair has the id ${quoteInput(id)}. Repair ids look like rdprepair-<vm name>-<16 hex digits>.`,
      ),
    };
  }
  try {
    const status = await client.getStatus(id, { showInput: true });
    if (!status) throw new Error('HTTP 404');
    if (!RUNNING.has(String(status.runtimeStatus))) {
      return {
        ok: false,
        response: errorResponse(
          409,
          'RepairNotRunning',
          `The repair ${id} is not running (it is ${status.runtimeStatus}); nothing to decide.`,
          {
            id,
            runtimeStatus: status.runtimeStatus,
          },
        ),
      };
    }
    const input = status.input as { request?: { approval?: string } } | undefined;
    return {
      ok: true,
      approval: input?.request?.approval ?? 'none',
      status: (status.customStatus ?? {}) as Partial<RepairStatusView>,
      child: runningChildOf(status as DurableStatusLike),
    };
  } catch (err) {
    if (isUnknownInstanceError(err)) return { ok: false, response: errorResponse(404, 'RepairNotFound', `No repair has the id '${id}'.`) };
    throw err;
  }
}

/**
 * Raises the event where the repair acts on it: on the offline child while the parent names one (the parent
 * drained what reached it before it named the child), otherwise on the repair itself. A child named but not
 * created yet cannot take an event: the caller is asked to retry in a moment rather than the event being lost.
 */
async function deliver(
  client: RepairClient,
  id: string,
  child: RunningChildReference | null,
  eventName: string,
  data: unknown,
): Promise<{ ok: true; to: string } | { ok: false; response: HttpResponseInit }> {
  if (!child) {
    await client.raiseEvent(id, eventName, data);
    return { ok: true, to: id };
  }
  try {
    await client.getStatus(child.instanceId, { showInput: false });
    await client.raiseEvent(child.instanceId, eventName, data);
    return { ok: true, to: child.instanceId };
  } catch (err) {
    if (!isUnknownInstanceError(err) && !(err instanceof Error && /No instance with ID/.test(err.message))) throw err;
    return {
      ok: false,
      response: errorResponse(
        503,
        'RepairStepStarting',
        `The repair ${id} is starting its ${child.phase} phase (${child.instanceId}); nothing was delivered. ` +
          'Send it again in a few seconds.',
        { id, child: child.instanceId },
        { 'Retry-After': '2' },
      ),
    };
  }
}

async function stepFrom(
  request: HttpRequest,
  required: boolean,
): Promise<{ ok: true; step: DisruptiveStep | 'all' | null } | { ok: false; response: HttpResponseInit }> {
  const text = await request.clone().text();
  if (text.trim() === '' && !required) return { ok: true, step: null };
  const body = await readJsonBody(request);
  const known = [...DISRUPTIVE_STEPS, 'all'];
  const usage = `send {"step": "<one of ${known.join(', ')}>"}; waitingFor.step in the status names the step the repair waits at`;
  if (!body.ok) return { ok: false, response: errorResponse(body.status, body.code, `${body.message} ${usage}.`) };
  const step = (body.value as { step?: unknown } | null)?.step;
  if (step === undefined && !required) return { ok: true, step: null };
  if (typeof step !== 'string' || !known.includes(step)) {
    return {
      ok: false,
      response: errorResponse(400, 'InvalidRequest', `step must name a disruptive step or all: ${usage}.`, [
        { field: 'step', message: usage },
      ]),
    };
  }
  return { ok: true, step: step as DisruptiveStep | 'all' };
}

async function decide(
  decision: 'approve' | 'reject',
  request: HttpRequest,
  context: InvocationContext,
  deps: ApiDependencies,
): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const client = deps.client(context);
  const repair = await runningRepair(client, id);
  if (!repair.ok) return repair.response;
  if (repair.approval !== 'beforeDisruptive') {
    return errorResponse(
      409,
      'ApprovalNotRequested',
      `The repair ${id} was started with approval none: it waits at no step. Use POST /api/repairs/${id}/cancel to stop it.`,
      { id },
    );
  }
  const parsed = await stepFrom(request, decision === 'approve');
  if (!parsed.ok) return parsed.response;
  const waitingAt = repair.status.waitingFor?.step ?? (await childWaitingAt(client, repair.child));
  const step = parsed.step ?? waitingAt ?? 'all';
  const event: ApprovalEvent = { decision, step, by: callerOf(request), at: deps.now().toISOString() };
  const delivered = await deliver(client, id, repair.child, APPROVAL_EVENT, event);
  if (!delivered.ok) return delivered.response;
  context.log(
    `repair ${id}: ${decision} of ${step} by ${event.by} at ${event.at} (waiting at: ${waitingAt ?? 'no gate yet'}; to ${delivered.to})`,
  );
  return jsonResponse(202, { id, ...event, waitingAt });
}

/** The gate the running offline child waits at, read from its custom status (null: none, or unreadable). */
async function childWaitingAt(client: RepairClient, child: RunningChildReference | null): Promise<DisruptiveStep | null> {
  if (!child) return null;
  try {
    const status = await client.getStatus(child.instanceId, { showInput: false });
    const waiting = (status?.customStatus as Partial<RepairStatusView> | undefined)?.waitingFor;
    return waiting?.step ?? null;
  } catch {
    return null;
  }
}

export function approveRepair(request: HttpRequest, context: InvocationContext, deps: ApiDependencies): Promise<HttpResponseInit> {
  return decide('approve', request, context, deps);
}

export function rejectRepair(request: HttpRequest, context: InvocationContext, deps: ApiDependencies): Promise<HttpResponseInit> {
  return decide('reject', request, context, deps);
}

export async function cancelRepair(request: HttpRequest, context: InvocationContext, deps: ApiDependencies): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const client = deps.client(context);
  const repair = await runningRepair(client, id);
  if (!repair.ok) return repair.response;
  const event: CancelEvent = { by: callerOf(request), at: deps.now().toISOString() };
  const delivered = await deliver(client, id, repair.child, CANCEL_EVENT, event);
  if (!delivered.ok) return delivered.response;
  context.log(
    `repair ${id}: cancel by ${event.by} at ${event.at} (current step: ${repair.status.currentStep ?? 'none'}; to ${delivered.to})`,
  );
  return jsonResponse(202, {
    id,
    ...event,
    note:
      'The repair stops at its next safe point (at once while it waits for a repair slot; before the snapshot or the next ' +
      'disruptive step; in the offline repair also ' +
      'after the disk copy and right after the swap, which it then reverses), then settles its changes; ' +
      'a repair that ends before reaching one (nothing to change, diagnose mode) ends as it would have, having written nothing.',
  });
}
