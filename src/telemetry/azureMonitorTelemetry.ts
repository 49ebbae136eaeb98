/**
 * Production telemetry: OpenTelemetry with the Azure Monitor exporter (@azure/monitor-opentelemetry-exporter).
 * Events are OpenTelemetry log records carrying `microsoft.custom_event.name`, which the exporter writes to the
 * `customEvents` table (properties in customDimensions); metrics are OpenTelemetry instruments, written to
 * `customMetrics`. Why not the Functions host's own Application Insights integration: from a Node.js worker it
 * carries log messages only (the `traces` table, text), so events would be text to parse in every query and
 * there would be no metrics with dimensions. Why the exporter and not the distro (@azure/monitor-opentelemetry):
 * the distro adds auto-instrumentation (HTTP, databases, loggers), OTLP, Zipkin and Prometheus exporters and gRPC,
 * none of which this app uses, and ships type packages as runtime dependencies into the deployment zip.
 *
 * Providers of its own, not the global ones: nothing else in the worker can change or sample what is sent. The
 * exporter batches (log records within seconds, metrics every minute); the events carry the same numbers as the
 * metrics, so queries over customEvents are exact even if an instance is recycled before a metric export.
 */
import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { AzureMonitorLogExporter, AzureMonitorMetricExporter } from '@azure/monitor-opentelemetry-exporter';
import type { Attributes } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { Telemetry, TelemetryMetricName, TelemetryProperties } from '../domain/telemetry';

const SCOPE = 'rdp-autorepair';
const METRIC_EXPORT_MS = 60_000;

function attributes(properties: TelemetryProperties): Attributes {
  const out: Attributes = {};
  // OpenTelemetry attributes have no null; an absent property says the same in customDimensions.
  for (const [key, value] of Object.entries(properties)) if (value !== null) out[key] = value;
  return out;
}

export interface AzureMonitorTelemetry extends Telemetry {
  /** Sends what is batched and stops (tests; a worker that shuts down). */
  shutdown(): Promise<void>;
}

/**
 * Sends to Azure Monitor with this connection string (APPLICATIONINSIGHTS_CONNECTION_STRING) and, where the
 * resource refuses local authentication (the template turns it off), an Entra ID credential. Call once per worker.
 */
export function azureMonitorTelemetry(connectionString: string, credential?: TokenCredential): AzureMonitorTelemetry {
  const options = { connectionString, ...(credential ? { credential } : {}) };
  const loggerProvider = new LoggerProvider({
    processors: [new BatchLogRecordProcessor({ exporter: new AzureMonitorLogExporter(options) })],
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({ exporter: new AzureMonitorMetricExporter(options), exportIntervalMillis: METRIC_EXPORT_MS }),
    ],
  });
  const logger = loggerProvider.getLogger(SCOPE);
  const meter = meterProvider.getMeter(SCOPE);
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
    async shutdown() {
      await Promise.all([loggerProvider.shutdown(), meterProvider.shutdown()]);
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
