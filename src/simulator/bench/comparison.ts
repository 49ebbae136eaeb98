/**
 * SIMULATED (bench only): one bench row per scenario: the app's measured run next to the baselines' measured
 * runs in the same process, and the ratios between them. A ratio is computed only from two measured values
 * and is null where it means nothing (a baseline that never reached healthy, or a zero denominator).
 */
import type { Scenario } from '../scenarios/scenario';
import { type CriticalPath, criticalPathOf } from './criticalPath';
import { type Measured, measure } from './measure';

export interface Ratios {
  timeToHealthy: number | null;
  downtime: number | null;
  restarts: number | null;
  armWrites: number | null;
}

export interface ComparisonRow {
  scenario: string;
  app: Measured;
  articleOrder: Measured;
  /** Only for the scenarios whose request allows an offline repair. */
  azVmRepair: Measured | null;
  criticalPath: CriticalPath | null;
  /** The app's time to healthy over the article order's. */
  vsArticleOrder: number | null;
  /** The app's time to healthy over the critical path. */
  vsCriticalPath: number | null;
  /** The app's time to healthy over `az vm repair`'s. */
  vsAzVmRepair: number | null;
  ratiosVsArticleOrder: Ratios;
  ratiosVsAzVmRepair: Ratios | null;
}

export function ratio(ours: number | null, theirs: number | null): number | null {
  if (ours === null || theirs === null || theirs === 0) return null;
  return Math.round((ours / theirs) * 100) / 100;
}

export function ratiosOf(app: Measured, baseline: Measured): Ratios {
  return {
    timeToHealthy: ratio(app.timeToHealthyMs, baseline.timeToHealthyMs),
    downtime: ratio(app.downtimeMs, baseline.downtimeMs),
    restarts: ratio(app.restarts, baseline.restarts),
    armWrites: ratio(app.armWrites, baseline.armWrites),
  };
}

export function allowsOffline(request: Record<string, unknown>): boolean {
  return request.offline === 'auto' || request.offline === 'only';
}

export function compare(scenario: string, app: Measured, articleOrder: Measured, azVmRepair: Measured | null): ComparisonRow {
  const criticalPath = criticalPathOf(scenario);
  const versusArticle = ratiosOf(app, articleOrder);
  const versusAz = azVmRepair ? ratiosOf(app, azVmRepair) : null;
  return {
    scenario,
    app,
    articleOrder,
    azVmRepair,
    criticalPath,
    vsArticleOrder: versusArticle.timeToHealthy,
    vsCriticalPath: criticalPath ? ratio(app.timeToHealthyMs, criticalPath.ms) : null,
    vsAzVmRepair: versusAz?.timeToHealthy ?? null,
    ratiosVsArticleOrder: versusArticle,
    ratiosVsAzVmRepair: versusAz,
  };
}

/** Runs the scenario three ways (each on a fresh simulated Azure) and compares. */
export async function compareScenario(scenario: Scenario): Promise<ComparisonRow> {
  // The request's shape does not depend on the VM id, only its target does.
  const request = scenario.request('');
  const app = await measure(scenario, 'app');
  const articleOrder = await measure(scenario, 'articleOrder');
  const azVmRepair = allowsOffline(request) ? await measure(scenario, 'azVmRepair') : null;
  return compare(scenario.name, app, articleOrder, azVmRepair);
}
