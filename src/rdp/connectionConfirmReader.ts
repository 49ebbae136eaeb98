/**
 * Waits for the server's answer to the Connection Request: one TPKT frame, or the reason there is none.
 * The wait is bounded by the confirm timeout whatever the server does (silence, a trickle, a lying length).
 */
import type { ByteChannel } from './byteChannel';
import { TpktFrameReader } from './tpktFrameReader';
import { MAX_CONFIRM_BYTES } from './x224';

export type ConfirmRead =
  /** `rest`: bytes the server sent after the frame; they belong to the TLS stage. */
  | { kind: 'frame'; frame: Buffer; rest: Buffer }
  | { kind: 'timeout'; timeoutMs: number; received: number; announced: number | null }
  | { kind: 'closed'; how: 'fin' | 'reset'; received: number; announced: number | null }
  | { kind: 'not-tpkt'; bytes: Buffer }
  | { kind: 'bad-length'; problem: string };

export function readConnectionConfirm(channel: ByteChannel, timeoutMs: number): Promise<ConfirmRead> {
  return new Promise((resolve) => {
    const reader = new TpktFrameReader(MAX_CONFIRM_BYTES);
    let settled = false;
    const settle = (read: ConfirmRead): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      channel.detach();
      resolve(read);
    };
    const progress = (): { received: number; announced: number | null } => {
      const state = reader.state();
      return state.kind === 'incomplete' ? { received: state.received, announced: state.announced } : { received: 0, announced: null };
    };
    const timer = setTimeout(() => settle({ kind: 'timeout', timeoutMs, ...progress() }), timeoutMs);
    channel.attach({
      data(chunk) {
        const state = reader.push(chunk);
        switch (state.kind) {
          case 'incomplete':
            return;
          case 'frame':
            return settle({ kind: 'frame', frame: state.frame, rest: state.rest });
          case 'not-tpkt':
            return settle({ kind: 'not-tpkt', bytes: state.bytes });
          case 'oversized':
            return settle({
              kind: 'bad-length',
              problem: `TPKT length ${state.announced} is larger than any Connection Confirm (at most ${state.limit} accepted)`,
            });
          case 'undersized':
            return settle({ kind: 'bad-length', problem: `TPKT length ${state.announced} is smaller than the TPKT header itself` });
        }
      },
      closed(close) {
        settle({ kind: 'closed', how: close.how, ...progress() });
      },
    });
  });
}
