/**
 * The events the watch publishes, in the Event Grid schema (docs/alerts.md, `RdpAutoRepair.ConnectionFailed`):
 * `data` carries the documented fields (vmResourceId, port, observedError, source) and the probe's own words
 * (verdict, stage, errorCode, reason), which the trigger ignores and a ticketing subscriber can show.
 */
import { createHash } from 'node:crypto';
import { CONNECTION_FAILED_EVENT_TYPE } from '../alerts/connectionFailedEvent';
import { identityKey } from '../domain/identity';
import type { WatchVmState } from './watchState';

export const CONNECTION_RECOVERED_EVENT_TYPE = 'RdpAutoRepair.ConnectionRecovered';
export const WATCH_SOURCE = 'rdp-autorepair-watch';
const MAX_OBSERVED_ERROR = 2000;

/** What EventGridPublisherClient.send takes for the Event Grid schema (SendEventGridEventInput). */
export interface WatchEvent {
  id: string;
  eventType: string;
  subject: string;
  eventTime: Date;
  dataVersion: string;
  data: Record<string, unknown>;
}

/**
 * The same id for the same episode, whoever computes it: a round that sent the event and died before keeping
 * its state sends it again with the same id, so a subscriber can tell a repeat from a new failure.
 */
export function episodeEventId(vmResourceId: string, openedAt: Date): string {
  const h = createHash('sha256')
    .update(`${identityKey(vmResourceId)}|${openedAt.toISOString()}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function connectionFailedEvent(state: WatchVmState, failuresBeforeEvent: number): WatchEvent {
  const o = state.lastObservation;
  const probe = o.kind === 'probed' ? o : null;
  const reason = probe?.reason ?? 'RDP handshake failed';
  return {
    id: state.episode?.eventId ?? episodeEventId(state.vmResourceId, new Date(state.lastCheckedAt)),
    eventType: CONNECTION_FAILED_EVENT_TYPE,
    subject: state.vmResourceId,
    eventTime: new Date(state.lastCheckedAt),
    dataVersion: '1',
    data: {
      vmResourceId: state.vmResourceId,
      ...(probe ? { port: probe.port } : {}),
      observedError: reason.slice(0, MAX_OBSERVED_ERROR),
      source: WATCH_SOURCE,
      verdict: probe?.verdict ?? 'broken',
      stage: probe?.stage ?? null,
      errorCode: probe?.error ?? null,
      reason,
      consecutiveBroken: state.consecutiveBroken,
      failuresBeforeEvent,
    },
  };
}

export function recoveredEvent(state: WatchVmState, failedEventId: string): WatchEvent {
  const o = state.lastObservation;
  return {
    id: state.lastEvent?.id ?? `${failedEventId}-recovered`,
    eventType: CONNECTION_RECOVERED_EVENT_TYPE,
    subject: state.vmResourceId,
    eventTime: new Date(state.lastCheckedAt),
    dataVersion: '1',
    data: {
      vmResourceId: state.vmResourceId,
      ...(o.kind === 'probed' ? { port: o.port, verdict: o.verdict, stage: o.stage, reason: o.reason } : {}),
      source: WATCH_SOURCE,
      failedEventId,
    },
  };
}
