/**
 * Production telemetry: OpenTelemetry with the Azure Monitor distro (@azure/monitor-opentelemetry). Events are
 * OpenTelemetry log records carrying `microsoft.custom_event.name`, which the Azure Monitor exporter writes to
 * the `customEvents` table (properties in customDimensions); metrics are OpenTelemetry instruments, written to
 * `customMetrics`. Why not the Functions host's own Application Insights integration: from a Node.js worker it
 * carries log messages only (the `traces` table, text), so events would be text to parse in every query and
 * there would be no metrics with dimensions.
 *
 * Nothing is sampled: the distro's rate-limited trace sampling and trace-based log sampling are turned off, since
 * an outcome that is sampled away is a repair nobody sees. The exporter batches (log records within seconds,
 * metrics every minute); the events carry the same numbers as the metrics, so queries over customEvents are
 * exact even if an instance is recycled before a metric export.
 */
import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { metrics, type Attributes } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import type { Telemetry, TelemetryMetricName, TelemetryProperties } from '../domain/telemetry';

const SCOPE = 'rdp-autorepair';

function attributes(properties: TelemetryProperties): Attributes {
  const out: Attributes = {};
  // OpenTelemetry attributes have no null; an absent property says the same in customDimensions.
  for (const [key, value] of Object.entries(properties)) if (value !== null) out[key] = value;
  return out;
}

/**
 * Sends to Azure Monitor with this connection string (APPLICATIONINSIGHTS_CONNECTION_STRING) and, where the
 * resource refuses local authentication (the template turns it off), an Entra ID credential. Call once per worker.
 */
export function azureMonitorTelemetry(connectionString: string, credential?: TokenCredential): Telemetry {
  // Loaded only when telemetry is configured: the distro pulls in many modules a worker without it never needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { useAzureMonitor } = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, ...(credential ? { credential } : {}) },
    samplingRatio: 1,
    tracesPerSecond: 0,
    enableTraceBasedSamplingForLogs: false,
    enableLiveMetrics: false,
    // The Functions host already records requests and its own logs; the worker adds only this app's events.
    instrumentationOptions: { http: { enabled: false }, azureSdk: { enabled: false } },
  });
  const logger = logs.getLogger(SCOPE);
  const meter = metrics.getMeter(SCOPE);
  const counter = meter.createCounter('rdp_autorepair.repairs', { description: 'Repairs ended, by outcome' });
  const deleted = meter.createCounter('rdp_autorepair.retained_deleted', { description: 'Retained snapshots and disks deleted' });
  const histograms = new Map<TelemetryMetricName, ReturnType<typeof meter.createHistogram>>();
  const histogram = (name: TelemetryMetricName) => {
    let h = histograms.get(name);
    if (!h) {
      h = meter.createHistogram(name);
      histograms.set(name, h);
    }
    return h;
  };
  return {
    event(event) {
      logger.emit({ body: event.name, attributes: { 'microsoft.custom_event.name': event.name, ...attributes(event.properties) } });
    },
    metric(metric) {
      const dims = attributes(metric.dimensions);
      if (metric.name === 'rdp_autorepair.repairs') counter.add(metric.value, dims);
      else if (metric.name === 'rdp_autorepair.retained_deleted') deleted.add(metric.value, dims);
      else histogram(metric.name).record(metric.value, dims);
    },
  };
}

/**
 * Without a connection string (local runs): each event and metric is one JSON line on the worker's log, which
 * the Functions host keeps, so nothing is silently dropped.
 */
export function logLineTelemetry(write: (line: string) => void): Telemetry {
  return {
    event: (event) => write(`rdp-autorepair telemetry ${JSON.stringify({ event: event.name, ...event.properties })}`),
    metric: (metric) =>
      write(`rdp-autorepair telemetry ${JSON.stringify({ metric: metric.name, value: metric.value, ...metric.dimensions })}`),
  };
}

/**
 * The Functions host's own setting for Entra ID ingestion (`Authorization=AAD`, optionally `;ClientId=<id>` of a
 * user-assigned identity) says the same for this exporter: the app's managed identity, role Monitoring Metrics
 * Publisher.
 */
export function entraIdentityFor(authentication: string | undefined): { managedIdentityClientId?: string } | null {
  const parts = new Map(
    (authentication ?? '')
      .split(';')
      .map((p) => p.split('=').map((x) => x.trim()))
      .filter((kv): kv is [string, string] => kv.length === 2)
      .map(([k, v]) => [k.toLowerCase(), v]),
  );
  if (parts.get('authorization')?.toLowerCase() !== 'aad') return null;
  const clientId = parts.get('clientid');
  return clientId ? { managedIdentityClientId: clientId } : {};
}

export function productionTelemetry(env: Record<string, string | undefined>): Telemetry {
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (!connectionString) return logLineTelemetry((line) => console.info(line));
  const identity = entraIdentityFor(env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING);
  return azureMonitorTelemetry(connectionString, identity ? new DefaultAzureCredential(identity) : undefined);
}
