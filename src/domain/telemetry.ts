/**
 * What the app tells the operator's monitoring: structured events and metrics, each carrying the repair id so a
 * repair's whole story can be read with one query. Implementations: Azure Monitor through OpenTelemetry
 * (src/telemetry/azureMonitorTelemetry.ts) and the simulator's recorder; the composition root picks one.
 */

/** Every event the app emits, by name (README "Telemetry" says what each holds). */
export const TELEMETRY_EVENTS = [
  'RepairStarted',
  'RepairStepEnded',
  'RepairEnded',
  'RetainedResourceDeleted',
  'RetentionSweepEnded',
  'WatchRoundEnded',
] as const;
export type TelemetryEventName = (typeof TELEMETRY_EVENTS)[number];

/** Every metric the app records, by name; each is recorded once per repair (or per deletion) with its dimensions. */
export const TELEMETRY_METRICS = [
  'rdp_autorepair.repairs',
  'rdp_autorepair.time_to_repair_seconds',
  'rdp_autorepair.restarts',
  'rdp_autorepair.downtime_seconds',
  'rdp_autorepair.arm_writes',
  'rdp_autorepair.retained_deleted',
  'rdp_autorepair.watch_vms',
  'rdp_autorepair.watch_round_seconds',
] as const;
export type TelemetryMetricName = (typeof TELEMETRY_METRICS)[number];

/** Flat values only: Application Insights keeps event properties as strings in customDimensions. */
export type TelemetryValue = string | number | boolean | null;
export type TelemetryProperties = Readonly<Record<string, TelemetryValue>>;

export interface TelemetryEvent {
  readonly name: TelemetryEventName;
  readonly properties: TelemetryProperties;
}

export interface TelemetryMetric {
  readonly name: TelemetryMetricName;
  readonly value: number;
  readonly dimensions: TelemetryProperties;
}

export interface Telemetry {
  event(event: TelemetryEvent): void;
  metric(metric: TelemetryMetric): void;
}
