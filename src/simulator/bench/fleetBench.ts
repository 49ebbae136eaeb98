/** SIMULATED (bench only): `npm run bench -- --fleet N [--concurrency C]`: the fleet incident over several limits. */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { type FleetResult, runFleet } from './fleet';
import { duration } from './report';

/** The limits the issue asks the table for; MAX_CONCURRENT_REPAIRS defaults to 20 (src/domain/alertPolicyConfig.ts). */
export const FLEET_LIMITS = [10, 20, 50, 100] as const;

/**
 * How many limits run at once (FLEET_PARALLEL; default 2, at most the cores): each limit is a simulation of its
 * own (its own app, virtual clock and simulated ARM), so its figures are the same alone or beside another, and two
 * at a time halve the real time of a 1,000-VM table on two cores. 1 runs them one after another in this process.
 */
function parallelLimits(): number {
  const asked = Number(process.env.FLEET_PARALLEL ?? '');
  if (Number.isInteger(asked) && asked >= 1) return asked;
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** One limit in a child process: this very bench script, compiled (dist), printing its one result as JSON. */
function runFleetInChild(vms: number, limit: number): Promise<FleetResult> {
  const script = path.join(__dirname, '..', 'bench.js');
  const args = [script, '--fleet', String(vms), '--concurrency', String(limit), '--json'];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, FLEET_PARALLEL: '1' }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`the fleet bench for limit ${limit} failed: ${stderr.trim() || err.message}`));
          return;
        }
        const [result] = JSON.parse(stdout) as FleetResult[];
        if (!result) reject(new Error(`the fleet bench for limit ${limit} printed no result`));
        else resolve(result);
      },
    );
  });
}

export async function runFleetBench(vms: number, limits: readonly number[] = FLEET_LIMITS): Promise<FleetResult[]> {
  const parallel = parallelLimits();
  // Children only from the compiled bench (npm run bench); under ts-jest there is no bench.js to start.
  if (parallel <= 1 || limits.length <= 1 || !__filename.endsWith('.js')) {
    const results: FleetResult[] = [];
    for (const limit of limits) results.push(await runFleet({ vms, maxConcurrentRepairs: limit }));
    return results;
  }
  const results: FleetResult[] = new Array(limits.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < limits.length) {
      const index = next++;
      results[index] = await runFleetInChild(vms, limits[index] as number);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, limits.length) }, () => worker()));
  return results;
}

export function fleetLines(results: readonly FleetResult[], wallMs?: number): string[] {
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
  if (wallMs !== undefined) {
    lines.push('', `Real time for the whole table: ${Math.round(wallMs / 1000)} s (limits run up to ${parallelLimits()} at a time).`);
  }
  return lines;
}

export function printFleet(results: readonly FleetResult[], wallMs?: number): void {
  for (const line of fleetLines(results, wallMs)) console.log(line);
}
