/**
 * What every inbound format (common alert schema, the project's ConnectionFailed event, a Resource Health event;
 * bare or in an Event Grid / CloudEvents envelope) is reduced to before any policy runs. Policy code reads only
 * this, so a new format is a new parser, never a new branch in the policy.
 */

/** How the signal arrived: a bare payload (the webhook) or wrapped in one of the two Event Grid envelopes. */
export type EnvelopeFormat = 'none' | 'eventGrid' | 'cloudEvents';

import { truncateText } from '../domain/echo';

/**
 * healthEvent: a Resource Health availability change, from the Event Grid system topic or as a Resource Health
 * activity-log alert through an action group; both follow REPAIR_ON_HEALTH_EVENTS.
 */
export type SignalKind = 'commonAlert' | 'connectionFailed' | 'healthEvent';

/**
 * Bounds on the free text an alert carries into the repair's input (source.alertId, source.rule) and the
 * decision log. Alert instance ids are ~130 characters and Event Grid ids GUIDs; alert rule names are at most
 * 260 characters in Azure Monitor. Longer text is cut, saying how much was left out.
 */
export const MAX_ALERT_ID_CHARS = 512;
export const MAX_RULE_CHARS = 260;

export function boundAlertId(text: string): string {
  return truncateText(text, MAX_ALERT_ID_CHARS);
}

export function boundRule(text: string | undefined): string | undefined {
  return text === undefined ? undefined : truncateText(text, MAX_RULE_CHARS);
}

export interface AlertTarget {
  /** The VM's ARM id as found (often lower-cased by Azure Monitor); validated again as a repair request. */
  vmResourceId: string;
  /** The RDP port, when the signal names one (ConnectionFailed `port`, Connection Monitor `DestinationPort`). */
  port?: number;
  /** Where in the payload the VM was found, for the decision log. */
  foundIn: string;
}

export interface AlertSignal {
  kind: SignalKind;
  envelope: EnvelopeFormat;
  /** The alert instance id (common schema) or the event id: what the repair's `source.alertId` shows. */
  alertId: string;
  /** The alert rule, or the detector that published the event. */
  rule?: string;
  /**
   * 0 (Sev0, most severe) .. 4 (Sev4). null: this kind of signal carries no severity (ConnectionFailed, health
   * events), so the severity filter does not apply to it.
   */
  severity: number | null;
  /** Resolved alert, or a health event back to Available: the problem is over, nothing to start. */
  resolved: boolean;
  /** Set when the signal is well-formed but says nothing a repair could act on (e.g. health state Unknown). */
  notActionable?: string;
  /**
   * Set when the signal is not about a failing connection at all: an Administrative activity-log alert (a
   * restart, a deallocate, often this app's own repair), Service Health, Policy, Autoscale, Security.
   */
  notConnectionSignal?: string;
  /** Set when the source says the downtime was user-initiated or planned: never a reason to repair. */
  plannedOrUserInitiated?: string;
  /** The VMs to repair; several only when one alert names several distinct VMs. */
  targets: AlertTarget[];
  /** Resource ids the signal names that are not VMs (a storage account, a Connection Monitor without dimensions). */
  otherResources: string[];
  /** What the detector saw (ConnectionFailed `observedError`), for the decision log. */
  observedError?: string;
}

export type InboundParse =
  | { kind: 'signal'; signal: AlertSignal }
  /** A well-formed event of a type this app does not act on (Event Grid delivers whatever the subscription lets through). */
  | { kind: 'unsupported'; eventId?: string; eventType: string; message: string }
  | { kind: 'invalid'; eventId?: string; message: string; details: string[] };

export function invalid(message: string, details: string[] = [], eventId?: string): InboundParse {
  return { kind: 'invalid', message, details, eventId };
}
