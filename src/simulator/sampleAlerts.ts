/**
 * SIMULATED: alert payloads for a simulated VM, in the shapes Azure Monitor and Event Grid document (common
 * alert schema, Event Grid schema and CloudEvents envelopes, the project's RdpAutoRepair.ConnectionFailed
 * event). Used by `npm run demo -- --via alert`, the alert tests and the alert storm. Ids are derived from a
 * counter, not random, so runs repeat exactly. Never registered as a function.
 */
import { createHash } from 'node:crypto';

/**
 * Written out here rather than imported from the app, so a typo in the app's parser constants cannot be mirrored
 * by the samples. The schema id is Azure Monitor's ("Common alert schema", learn.microsoft.com/azure/
 * azure-monitor/alerts/alerts-common-schema: "schemaId": "azureMonitorCommonAlertSchema").
 */
const COMMON_ALERT_SCHEMA_ID = 'azureMonitorCommonAlertSchema';
/** The project's published event type for detectors (docs/alerts.md, "RdpAutoRepair.ConnectionFailed"). */
const CONNECTION_FAILED_EVENT_TYPE = 'RdpAutoRepair.ConnectionFailed';

/** The event type docs/alerts.md suggests for common alert schema alerts relayed into the custom topic. */
export const RELAYED_ALERT_EVENT_TYPE = 'RdpAutoRepair.AzureMonitorAlert';
export const SIM_TOPIC = (subscriptionId: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/rg-rdp-autorepair/providers/Microsoft.EventGrid/topics/rdp-autorepair-alerts`;

let counter = 0;

/** A GUID-shaped id derived from a label and a process-wide counter: unique per call, identical across runs. */
export function sampleGuid(label: string): string {
  counter += 1;
  const h = createHash('sha256').update(`${label}#${counter}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function subscriptionOf(vmId: string): string {
  return vmId.split('/')[2];
}

export interface SampleAlertOptions {
  severity?: 'Sev0' | 'Sev1' | 'Sev2' | 'Sev3' | 'Sev4';
  monitorCondition?: 'Fired' | 'Resolved';
  firedAt?: Date;
  port?: number;
}

/** A Connection Monitor metric alert (ChecksFailedPercent over a threshold) for an RDP test to the VM. */
export function connectionMonitorAlert(vmId: string, options: SampleAlertOptions = {}): Record<string, unknown> {
  const sub = subscriptionOf(vmId);
  const monitor = `/subscriptions/${sub}/resourcegroups/networkwatcherrg/providers/microsoft.network/networkwatchers/networkwatcher_westeurope/connectionmonitors/rdp-checks`;
  const firedAt = (options.firedAt ?? new Date('2026-01-05T02:58:00.000Z')).toISOString();
  const condition = options.monitorCondition ?? 'Fired';
  return {
    schemaId: COMMON_ALERT_SCHEMA_ID,
    data: {
      essentials: {
        alertId: `/subscriptions/${sub}/providers/Microsoft.AlertsManagement/alerts/${sampleGuid(vmId)}`,
        alertRule: 'rdp-checks-failing',
        severity: options.severity ?? 'Sev1',
        signalType: 'Metric',
        monitorCondition: condition,
        monitoringService: 'Platform',
        alertTargetIDs: [monitor],
        configurationItems: ['rdp-checks'],
        originAlertId: `${sub}_networkwatcherrg_microsoft.insights_metricAlerts_rdp-checks-failing_1`,
        firedDateTime: firedAt,
        ...(condition === 'Resolved' ? { resolvedDateTime: firedAt } : {}),
        description: 'RDP checks to the VM fail',
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext: {
        properties: null,
        conditionType: 'MultipleResourceMultipleMetricCriteria',
        condition: {
          windowSize: 'PT5M',
          allOf: [
            {
              metricName: 'ChecksFailedPercent',
              metricNamespace: 'Microsoft.Network/networkWatchers/connectionMonitors',
              operator: 'GreaterThan',
              threshold: '50',
              timeAggregation: 'Average',
              dimensions: [
                {
                  name: 'SourceResourceId',
                  value: `/subscriptions/${sub}/resourcegroups/rg-ops/providers/microsoft.compute/virtualmachines/jumphost`,
                },
                { name: 'DestinationResourceId', value: vmId.toLowerCase() },
                { name: 'DestinationPort', value: String(options.port ?? 3389) },
                { name: 'Protocol', value: 'Tcp' },
                { name: 'TestGroupName', value: 'rdp' },
              ],
              metricValue: 100,
            },
          ],
          windowStartTime: firedAt,
          windowEndTime: firedAt,
        },
      },
    },
  };
}

/** A metric alert on the VM itself (VM availability dropped): the VM is in alertTargetIDs, lower-cased. */
export function vmMetricAlert(vmId: string, options: SampleAlertOptions = {}): Record<string, unknown> {
  const sub = subscriptionOf(vmId);
  const firedAt = (options.firedAt ?? new Date('2026-01-05T02:58:00.000Z')).toISOString();
  return {
    schemaId: COMMON_ALERT_SCHEMA_ID,
    data: {
      essentials: {
        alertId: `/subscriptions/${sub}/providers/Microsoft.AlertsManagement/alerts/${sampleGuid(vmId)}`,
        alertRule: 'vm-availability',
        severity: options.severity ?? 'Sev2',
        signalType: 'Metric',
        monitorCondition: options.monitorCondition ?? 'Fired',
        monitoringService: 'Platform',
        alertTargetIDs: [vmId.toLowerCase()],
        configurationItems: [vmId.split('/').pop()],
        firedDateTime: firedAt,
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext: {
        properties: null,
        conditionType: 'SingleResourceMultipleMetricCriteria',
        condition: {
          windowSize: 'PT5M',
          allOf: [
            {
              metricName: 'VmAvailabilityMetric',
              metricNamespace: 'Microsoft.Compute/virtualMachines',
              operator: 'LessThan',
              threshold: '1',
              timeAggregation: 'Average',
              dimensions: [],
              metricValue: 0,
            },
          ],
        },
      },
    },
  };
}

export function connectionFailedData(
  vmId: string,
  extra: { port?: number; observedError?: string; source?: string } = {},
): Record<string, unknown> {
  return { vmResourceId: vmId, ...extra };
}

export interface EnvelopeOptions {
  id?: string;
  subject?: string;
  time?: Date;
}

/** An event as Event Grid delivers it from a custom topic in the Event Grid schema. */
export function asEventGridEvent(
  eventType: string,
  data: unknown,
  topicSubscriptionId: string,
  options: EnvelopeOptions = {},
): Record<string, unknown> {
  return {
    id: options.id ?? sampleGuid(eventType),
    topic: SIM_TOPIC(topicSubscriptionId),
    subject: options.subject ?? 'rdp-autorepair',
    eventType,
    eventTime: (options.time ?? new Date('2026-01-05T02:58:30.000Z')).toISOString(),
    data,
    dataVersion: '1',
    metadataVersion: '1',
  };
}

/** The same event in the CloudEvents 1.0 schema (a subscription with eventDeliverySchema CloudEventSchemaV1_0). */
export function asCloudEvent(
  type: string,
  data: unknown,
  topicSubscriptionId: string,
  options: EnvelopeOptions = {},
): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: options.id ?? sampleGuid(type),
    source: SIM_TOPIC(topicSubscriptionId),
    type,
    ...(options.subject ? { subject: options.subject } : {}),
    time: (options.time ?? new Date('2026-01-05T02:58:30.000Z')).toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

/** What the demo delivers: a Connection Monitor alert for the VM, relayed into the custom topic. */
export function sampleAlertEventFor(vmId: string, at: Date): Record<string, unknown> {
  const alert = connectionMonitorAlert(vmId, { firedAt: new Date(at.getTime() - 60_000) });
  return asEventGridEvent(RELAYED_ALERT_EVENT_TYPE, alert, subscriptionOf(vmId), { subject: vmId.toLowerCase(), time: at });
}

export function connectionFailedEventFor(
  vmId: string,
  at: Date,
  observedError = 'An internal error has occurred.',
): Record<string, unknown> {
  return asEventGridEvent(
    CONNECTION_FAILED_EVENT_TYPE,
    connectionFailedData(vmId, { port: 3389, observedError, source: 'synthetic-rdp-check' }),
    subscriptionOf(vmId),
    { subject: vmId.toLowerCase(), time: at },
  );
}
