/** SIMULATED (bench only): `npm run bench -- --fleet N [--concurrency C]`: the fleet incident over several limits. */
import { type FleetResult, runFleet } from './fleet';
import { duration } from './report';

/** The limits the issue asks the table for; MAX_CONCURRENT_REPAIRS defaults to 20 (src/domain/alertPolicyConfig.ts). */
export const FLEET_LIMITS = [10, 20, 50, 100] as const;

export async function runFleetBench(vms: number, limits: readonly number[] = FLEET_LIMITS): Promise<FleetResult[]> {
  const results: FleetResult[] = [];
  for (const limit of limits) results.push(await runFleet({ vms, maxConcurrentRepairs: limit }));
  return results;
}

export function fleetLines(results: readonly FleetResult[]): string[] {
  const header = [
    'limit',
    'makespan',
    'outcomes',
    'failed by throttling',
    '429s',
    'activity retries after 429',
    'peak writes/s',
    'avg writes/s',
    'p50 to repair',
    'p95 to repair',
    'peak slot holders',
    'peak waiting',
    'alerts (duplicates dropped)',
    'real s',
  ];
  const lines = [
    `## Fleet incident: ${results[0]?.vms ?? 0} VMs in 10 resource groups, ARM token buckets (writes 200 / 10 per s)`,
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
  ];
  for (const r of results) {
    const outcomes = Object.entries(r.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(
      `| ${[
        r.maxConcurrentRepairs,
        duration(r.makespanMs),
        outcomes,
        r.failedByThrottling,
        `${r.throttled429}${
          r.throttled429 > 0
            ? ` (${Object.entries(r.throttledByKind)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')})`
            : ''
        }`,
        r.throttledActivityFailures,
        r.peakWritesPerSecond,
        r.averageWritesPerSecond,
        duration(r.p50TimeToRepairMs),
        duration(r.p95TimeToRepairMs),
        r.peakSlotHolders,
        r.peakSlotWaiters,
        `${r.alertsDelivered} (${r.alertsDropped})`,
        Math.round(r.realMs / 1000),
      ].join(' | ')} |`,
    );
  }
  return lines;
}

export function printFleet(results: readonly FleetResult[]): void {
  for (const line of fleetLines(results)) console.log(line);
}
