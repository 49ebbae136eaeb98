/**
 * SIMULATED: delivering alerts to the app's REAL alert functions inside a SimulatedRepairApp, as the Functions
 * host would: an Event Grid event to the registered eventGrid trigger (deserialized JSON, a fresh
 * InvocationContext), a webhook POST through the registered HTTP route. Used by `npm run demo -- --via alert`
 * and the alert tests. Never registered as a function.
 *
 * SimulatedRepairApp loads the alert registrations with the repair ones and points the alert intake's cooldown
 * clock at its virtual clock (the durable emulator stamps lastUpdatedTime with it).
 */
import { createInvocationContext, type FunctionLogEntry } from './functionsHost';
import { SIM_OPERATOR_CIDR } from './scenarios/catalog';
import type { SimHttpResponse, SimulatedRepairApp } from './simulatedRepairApp';

export const EVENT_GRID_FUNCTION = 'receiveAlertEvent';

/** What the demo runs alert repairs with: the operators' range, so a world-open RDP rule can be restricted unattended. */
export const ALERT_DEMO_SETTINGS: Record<string, string> = { ALERT_ALLOWED_SOURCE_CIDRS: SIM_OPERATOR_CIDR };

export interface EventDelivery {
  logs: FunctionLogEntry[];
  /** The handler threw (a durable client failure): Event Grid would retry the event. */
  error?: string;
}

/** Hands one event to the registered Event Grid trigger of `app`, or of one instance of a scaled-out one (`app.instance(i)`). */
export async function deliverEventGridEvent(app: Pick<SimulatedRepairApp, 'registry'>, event: unknown): Promise<EventDelivery> {
  const fn = app.registry.getOrThrow(EVENT_GRID_FUNCTION);
  const logs: FunctionLogEntry[] = [];
  const context = createInvocationContext(fn, { logSink: (entry) => logs.push(entry) });
  // The host hands the function the event as parsed JSON, never the publisher's object.
  const delivered = event === undefined ? undefined : JSON.parse(JSON.stringify(event));
  try {
    await fn.handler(delivered, context);
    return { logs };
  } catch (err) {
    return { logs, error: err instanceof Error ? err.message : String(err) };
  }
}

export function postAlertWebhook(app: SimulatedRepairApp, payload: unknown): Promise<SimHttpResponse> {
  return app.http('POST', '/api/alerts', payload);
}

/** Drives the emulator and GETs the repair's status until it ends, as an operator polling the status URL would. */
export interface AlertRun {
  delivery: EventDelivery;
  /** The repair the alert started; undefined when the policy dropped the alert (the logs say why). */
  id?: string;
  status?: any;
}

/**
 * Delivers the event, then finds the VM's repair the way an operator would (GET /api/repairs?vmResourceId=) and
 * follows it when this alert started it.
 */
export async function runRepairFromAlert(
  app: SimulatedRepairApp,
  event: unknown,
  vmId: string,
  listeners: { onDelivered?: (delivery: EventDelivery) => void; onStatus?: (status: any) => void } = {},
): Promise<AlertRun> {
  const delivery = await deliverEventGridEvent(app, event);
  listeners.onDelivered?.(delivery);
  if (delivery.error || !delivery.logs.some((l) => l.message.startsWith('AlertDecision decision=started'))) return { delivery };
  const found = await app.http('GET', `/api/repairs?vmResourceId=${encodeURIComponent(vmId)}`);
  if (found.status !== 200) return { delivery };
  const status = await app.followRepair(found.body.id, listeners.onStatus);
  return { delivery, id: found.body.id, status };
}
