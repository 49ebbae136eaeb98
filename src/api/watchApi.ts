/**
 * GET /api/watch: the watched VMs with their last verdicts, from the watch's entities (the last round's list of
 * VMs, then each VM's state). Read-only.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ConfigurationError } from '../domain/errors';
import { readWatchConfig } from '../domain/watchConfig';
import type { WatchDependencies } from '../watch/watchDependencies';
import { entityWatchStore, readRoundSummary } from '../watch/watchStore';
import type { WatchVmState } from '../watch/watchState';
import type { ApiDependencies } from './apiDependencies';
import { errorResponse, jsonResponse } from './httpResponses';

const READS_AT_ONCE = 20;

export async function getWatch(
  _request: HttpRequest,
  context: InvocationContext,
  deps: { api: ApiDependencies; watch: WatchDependencies },
): Promise<HttpResponseInit> {
  let enabled: boolean;
  let topic: boolean;
  try {
    const config = readWatchConfig(deps.api.env());
    enabled = config.enabled;
    topic = config.topicEndpoint !== null;
  } catch (err) {
    if (err instanceof ConfigurationError) return errorResponse(500, 'ConfigurationError', err.message, { setting: err.setting });
    throw err;
  }
  const client = deps.watch.client(context);
  const round = await readRoundSummary(client);
  const store = entityWatchStore(client);
  const ids = round?.vmResourceIds ?? [];
  const states: Array<WatchVmState | null> = [];
  for (let i = 0; i < ids.length; i += READS_AT_ONCE) {
    states.push(...(await Promise.all(ids.slice(i, i + READS_AT_ONCE).map((id) => store.read(id)))));
  }
  const vms = ids.map((id, i) => {
    const s = states[i];
    if (!s) return { vmResourceId: id, lastVerdict: null, note: 'listed by the last round; its state is not recorded yet' };
    return {
      vmResourceId: s.vmResourceId,
      lastCheckedAt: s.lastCheckedAt,
      lastVerdict: s.lastVerdict,
      lastObservation: s.lastObservation,
      consecutiveBroken: s.consecutiveBroken,
      failed: s.episode !== null,
      episode: s.episode,
      lastEvent: s.lastEvent,
    };
  });
  const { vmResourceIds: _ids, ...lastRound } = round ?? { vmResourceIds: [] };
  return jsonResponse(200, {
    enabled,
    eventsTo: topic ? 'topic' : 'startPath',
    lastRound: round ? lastRound : null,
    vms,
  });
}
