/**
 * --follow: polls the repair's status until it ends, printing progress as it goes. A poll that fails for a reason
 * that may pass (unreachable, 5xx) is retried a few times before giving up, so a long repair is not lost to one
 * network blip; the repair itself runs on in the app whatever happens here.
 */
import { CliError } from './cliError';
import { EXIT } from './exitCodes';
import { newProgressState, renderProgress } from './progress';
import { isTerminal, type RepairApiClient, type StatusBody } from './repairApiClient';
import type { Transport } from './transport';

export interface FollowOptions {
  intervalMs: number;
  /** Wall-clock limit; undefined follows until the repair ends. */
  timeoutMs: number | undefined;
  /** Output is a terminal: draw the live line in place instead of announcing each running step. */
  tty: boolean;
  line(text: string): void;
  /** Draws (or, with null, clears) the live line. */
  live(text: string | null): void;
}

const TRANSIENT = new Set<number>([EXIT.unavailable, EXIT.appError]);
const MAX_FAILED_POLLS = 3;

export async function followRepair(client: RepairApiClient, transport: Transport, id: string, options: FollowOptions): Promise<StatusBody> {
  const state = newProgressState();
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  let failedPolls = 0;
  for (;;) {
    let status: StatusBody | null = null;
    try {
      status = await client.status(id);
      failedPolls = 0;
    } catch (err) {
      if (!(err instanceof CliError) || !TRANSIENT.has(err.exitCode) || ++failedPolls >= MAX_FAILED_POLLS) {
        options.live(null);
        throw err;
      }
      options.live(`${err.message}; retrying (${failedPolls}/${MAX_FAILED_POLLS - 1})`);
    }
    if (status) {
      const progress = renderProgress(state, status, transport.now(), options.tty);
      if (progress.lines.length > 0) options.live(null);
      for (const text of progress.lines) options.line(text);
      if (isTerminal(status)) {
        options.live(null);
        return status;
      }
      if (progress.live) options.live(progress.live);
    }
    if (deadline !== undefined && Date.now() >= deadline) {
      options.live(null);
      throw new CliError(
        `the repair ${id} is still running after --timeout; it goes on in the app (rdp-autorepair status ${id} --follow)`,
        EXIT.followTimedOut,
        'FollowTimedOut',
      );
    }
    await transport.pause(options.intervalMs);
  }
}
