/**
 * The watch's settings (docs: README "The watch"). Read when a round starts, like every other setting, so a
 * changed setting takes effect at the next round without a restart (except WATCH_SCHEDULE: the host reads a
 * timer's schedule when it loads the app).
 */
import { integerSetting, type Env } from './config';
import { ConfigurationError } from './errors';

/** The tag a VM carries to be watched (value `on`, any case). */
export const WATCH_TAG = 'rdp-autorepair-watch';
export const WATCH_TAG_VALUE = 'on';
/** Every 5 minutes, in the NCRONTAB form (with seconds) Azure Functions timers take. */
export const DEFAULT_WATCH_SCHEDULE = '0 */5 * * * *';

export interface WatchConfig {
  enabled: boolean;
  /** Consecutive `broken` verdicts before an event; the same number of `healthy` ones closes the episode. */
  failuresBeforeEvent: number;
  /** Probes at most in flight at once. */
  concurrency: number;
  /** Milliseconds a round may spend; VMs not reached by then are reported skipped (`budget`). */
  budgetMs: number;
  /** The Event Grid custom topic's endpoint, or null: then the watch starts repairs through the start path. */
  topicEndpoint: string | null;
}

/**
 * 4 minutes: under the 5-minute default schedule (rounds do not pile up behind each other) and well under
 * host.json's functionTimeout (10 minutes), so a round always ends by itself and reports what it skipped.
 */
export const DEFAULT_WATCH_BUDGET_SECONDS = 240;

export function readWatchSchedule(env: Env): string {
  const raw = (env.WATCH_SCHEDULE ?? '').trim();
  if (raw === '') return DEFAULT_WATCH_SCHEDULE;
  // Six NCRONTAB fields (seconds first) or a TimeSpan (hh:mm:ss), the two forms a timer trigger accepts.
  if (!/^(\S+\s+){5}\S+$/.test(raw) && !/^\d{1,2}:\d{2}:\d{2}$/.test(raw)) {
    throw new ConfigurationError(
      `WATCH_SCHEDULE must be a six-field NCRONTAB expression (e.g. '${DEFAULT_WATCH_SCHEDULE}') or hh:mm:ss, got '${raw.slice(0, 80)}'`,
      'WATCH_SCHEDULE',
    );
  }
  return raw;
}

export function readWatchConfig(env: Env): WatchConfig {
  const enabledRaw = (env.WATCH_ENABLED ?? '').trim().toLowerCase();
  if (enabledRaw !== '' && enabledRaw !== 'true' && enabledRaw !== 'false') {
    throw new ConfigurationError(
      `WATCH_ENABLED must be 'true' or 'false', got '${String(env.WATCH_ENABLED).slice(0, 80)}'`,
      'WATCH_ENABLED',
    );
  }
  const endpointRaw = (env.WATCH_EVENT_TOPIC_ENDPOINT ?? '').trim();
  let topicEndpoint: string | null = null;
  if (endpointRaw !== '') {
    let url: URL;
    try {
      url = new URL(endpointRaw);
    } catch {
      throw new ConfigurationError(`WATCH_EVENT_TOPIC_ENDPOINT is not a URL: '${endpointRaw.slice(0, 80)}'`, 'WATCH_EVENT_TOPIC_ENDPOINT');
    }
    // The SDK sends the managed identity's bearer token only over https.
    if (url.protocol !== 'https:') {
      throw new ConfigurationError('WATCH_EVENT_TOPIC_ENDPOINT must be an https URL (the topic endpoint).', 'WATCH_EVENT_TOPIC_ENDPOINT');
    }
    topicEndpoint = url.toString();
  }
  return {
    enabled: enabledRaw === 'true',
    failuresBeforeEvent: integerSetting(env, 'WATCH_FAILURES_BEFORE_EVENT', 2, 1, 20),
    concurrency: integerSetting(env, 'WATCH_CONCURRENCY', 32, 1, 64),
    budgetMs: integerSetting(env, 'WATCH_BUDGET_SECONDS', DEFAULT_WATCH_BUDGET_SECONDS, 10, 480) * 1000,
    topicEndpoint,
  };
}
