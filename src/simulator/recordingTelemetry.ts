/**
 * SIMULATED: a telemetry sink that keeps every event and metric in memory, in order, for tests and the demo. It
 * lives outside the simulated worker (as Application Insights does), so it keeps what a worker sent before a
 * simulated crash.
 */
import type { Telemetry, TelemetryEvent, TelemetryEventName, TelemetryMetric, TelemetryMetricName } from '../domain/telemetry';

export class RecordingTelemetry implements Telemetry {
  readonly events: TelemetryEvent[] = [];
  readonly metrics: TelemetryMetric[] = [];

  event(event: TelemetryEvent): void {
    // A copy: what was sent cannot change afterwards, whatever the sender does with its object.
    this.events.push(JSON.parse(JSON.stringify(event)) as TelemetryEvent);
  }

  metric(metric: TelemetryMetric): void {
    this.metrics.push(JSON.parse(JSON.stringify(metric)) as TelemetryMetric);
  }

  eventsNamed(name: TelemetryEventName, repairId?: string): TelemetryEvent[] {
    return this.events.filter((e) => e.name === name && (repairId === undefined || e.properties.repairId === repairId));
  }

  metricsNamed(name: TelemetryMetricName, repairId?: string): TelemetryMetric[] {
    return this.metrics.filter((m) => m.name === name && (repairId === undefined || m.dimensions.repairId === repairId));
  }

  /** Everything sent, as one text: what a test searches for a secret. */
  text(): string {
    return JSON.stringify({ events: this.events, metrics: this.metrics });
  }
}
