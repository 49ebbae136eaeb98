/** The watch's settings: defaults, bounds and clear errors (src/domain/watchConfig.ts). */
import { ConfigurationError } from '../../src/domain/errors';
import { DEFAULT_WATCH_SCHEDULE, readWatchConfig, readWatchSchedule } from '../../src/domain/watchConfig';

test('defaults: off, two failures, 32 at once, a 4-minute budget, no topic, every 5 minutes', () => {
  expect(readWatchConfig({})).toEqual({ enabled: false, failuresBeforeEvent: 2, concurrency: 32, budgetMs: 240_000, topicEndpoint: null });
  expect(readWatchSchedule({})).toBe(DEFAULT_WATCH_SCHEDULE);
});

test('values are read', () => {
  const config = readWatchConfig({
    WATCH_ENABLED: 'TRUE',
    WATCH_FAILURES_BEFORE_EVENT: '3',
    WATCH_CONCURRENCY: '8',
    WATCH_BUDGET_SECONDS: '120',
    WATCH_EVENT_TOPIC_ENDPOINT: 'https://t.westeurope-1.eventgrid.azure.net/api/events',
  });
  expect(config).toEqual({
    enabled: true,
    failuresBeforeEvent: 3,
    concurrency: 8,
    budgetMs: 120_000,
    topicEndpoint: 'https://t.westeurope-1.eventgrid.azure.net/api/events',
  });
  expect(readWatchSchedule({ WATCH_SCHEDULE: '0 */15 * * * *' })).toBe('0 */15 * * * *');
  expect(readWatchSchedule({ WATCH_SCHEDULE: '00:10:00' })).toBe('00:10:00');
});

test.each([
  [{ WATCH_ENABLED: 'yes' }, 'WATCH_ENABLED'],
  [{ WATCH_FAILURES_BEFORE_EVENT: '0' }, 'WATCH_FAILURES_BEFORE_EVENT'],
  [{ WATCH_CONCURRENCY: '1000' }, 'WATCH_CONCURRENCY'],
  // Above host.json's 10-minute functionTimeout less a margin: a round must end by itself.
  [{ WATCH_BUDGET_SECONDS: '600' }, 'WATCH_BUDGET_SECONDS'],
  [{ WATCH_EVENT_TOPIC_ENDPOINT: 'not a url' }, 'WATCH_EVENT_TOPIC_ENDPOINT'],
  [{ WATCH_EVENT_TOPIC_ENDPOINT: 'http://t.westeurope-1.eventgrid.azure.net/api/events' }, 'WATCH_EVENT_TOPIC_ENDPOINT'],
])('%j is refused, naming %s', (env, setting) => {
  expect(() => readWatchConfig(env)).toThrow(ConfigurationError);
  try {
    readWatchConfig(env);
  } catch (err) {
    expect((err as ConfigurationError).setting).toBe(setting);
  }
});

test('a schedule that is neither NCRONTAB with seconds nor hh:mm:ss is refused', () => {
  expect(() => readWatchSchedule({ WATCH_SCHEDULE: '*/5 * * * *' })).toThrow(/six-field NCRONTAB/);
});
