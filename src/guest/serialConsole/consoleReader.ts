/**
 * Reads the console's text and waits, bounded, for what a step expects next. The serial line carries whatever the
 * guest prints: a wait ends at the first match, at its deadline, when the stream ends, or when what arrived is not
 * text (a line speed mismatch, a kernel debugger): each a different answer, never a hang.
 */
import type { ConsoleStream, StreamEnd } from './consoleStream';

export type ExpectResult =
  | { ok: true; match: RegExpMatchArray; before: string }
  | { ok: false; why: 'timedOut' | 'ended' | 'unreadable'; detail: string; seen: string };

/** Below this many characters a burst of odd bytes proves nothing (a stray byte at connect is common on serial lines). */
const GARBAGE_MIN_CHARS = 64;
const GARBAGE_SHARE = 0.3;
/** What a failure quotes of the last text seen: enough to recognise a prompt, too short to carry a screen of output. */
const QUOTE_CHARS = 120;

export class ConsoleReader {
  private pending = '';
  private ended: StreamEnd | null = null;
  private wake: (() => void) | null = null;

  /** `deadlineMs`: the wall-clock instant no wait may pass (the whole session's bound). */
  constructor(
    stream: ConsoleStream,
    private readonly deadlineMs = Number.POSITIVE_INFINITY,
  ) {
    stream.onData((chunk) => {
      // NUL is line padding; the rest is VT-UTF8 text (SAC's channel type) or it is garbage.
      this.pending += chunk.toString('utf8').replace(/\0/g, '');
      this.wake?.();
    });
    stream.onEnd((end) => {
      this.ended = end;
      this.wake?.();
    });
  }

  /** Waits for `pattern` in the text not yet consumed; on a match, consumes up to the end of it. */
  async expect(pattern: RegExp, timeoutMs: number): Promise<ExpectResult> {
    const sessionBound = this.deadlineMs < Date.now() + timeoutMs;
    const deadline = Math.min(Date.now() + timeoutMs, this.deadlineMs);
    for (;;) {
      const match = this.pending.match(pattern);
      if (match && match.index !== undefined) {
        const before = this.pending.slice(0, match.index);
        this.pending = this.pending.slice(match.index + match[0].length);
        return { ok: true, match, before };
      }
      if (isGarbage(this.pending)) return this.fail('unreadable', 'the console sent bytes that are not text');
      if (this.ended)
        return this.fail(
          'ended',
          `the gateway closed the session (code ${this.ended.code}${this.ended.reason ? `: ${this.ended.reason}` : ''})`,
        );
      const left = deadline - Date.now();
      if (left <= 0) {
        return this.fail(
          'timedOut',
          sessionBound ? "the session's time bound was reached" : `no answer within ${Math.round(timeoutMs / 1000)} s`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
  }

  /** Forgets what arrived so far (before typing a command whose answer must not be confused with older output). */
  discard(): void {
    this.pending = '';
  }

  private fail(why: 'timedOut' | 'ended' | 'unreadable', detail: string): ExpectResult {
    return { ok: false, why, detail, seen: printable(this.pending.slice(-QUOTE_CHARS)) };
  }
}

function isGarbage(text: string): boolean {
  if (text.length < GARBAGE_MIN_CHARS) return false;
  let odd = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\uFFFD' || (code < 0x20 && ch !== '\r' && ch !== '\n' && ch !== '\t' && ch !== '\x1b') || (code >= 0x7f && code < 0xa0))
      odd += 1;
  }
  return odd / text.length > GARBAGE_SHARE;
}

/** Text safe to quote in a finding: control characters shown as dots, lines joined. */
export function printable(text: string): string {
  return text
    .replace(/\r?\n/g, ' | ')
    .replace(/[\x00-\x1f\x7f-\x9f\uFFFD]/g, '.')
    .trim();
}
