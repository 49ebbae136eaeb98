/**
 * Downloads the last bytes of a blob through a SAS URL, bounded in size and time: a suffix Range request
 * (`bytes=-N`, Azure Storage "Specifying the range header for Blob service operations"), and a body read that
 * stops at N bytes whatever the server sends (a server that ignores Range answers 200 with the whole blob).
 * The URL is a secret (its SAS token): no result or error of this module ever contains it.
 */

/** The HTTP fetcher injected by the composition root (global fetch in production; the simulated storage in tests). */
export type BlobFetcher = (url: string, init: { method: 'GET'; headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;

export interface TailLimits {
  maxBytes: number;
  timeoutMs: number;
}

export type BlobTail =
  | { kind: 'read'; text: string; bytes: number; truncated: boolean }
  /** No blob, or an empty one (416 to a suffix range of a 0-byte blob). */
  | { kind: 'empty' }
  | { kind: 'failed'; reason: string };

export const SERIAL_LOG_TAIL: TailLimits = { maxBytes: 64 * 1024, timeoutMs: 20_000 };

export async function readBlobTail(fetcher: BlobFetcher, url: string, limits: TailLimits = SERIAL_LOG_TAIL): Promise<BlobTail> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  try {
    const response = await fetcher(url, {
      method: 'GET',
      headers: { Range: `bytes=-${limits.maxBytes}`, 'x-ms-version': '2021-08-06' },
      signal: controller.signal,
    });
    if (response.status === 404 || response.status === 416) {
      await response.body?.cancel();
      return { kind: 'empty' };
    }
    if (response.status !== 200 && response.status !== 206) {
      const code = response.headers.get('x-ms-error-code');
      await response.body?.cancel();
      return { kind: 'failed', reason: `the storage service answered ${response.status}${code ? ` ${code}` : ''}` };
    }
    const { bytes, truncated } = await lastBytes(response, limits.maxBytes, controller.signal);
    if (controller.signal.aborted) return { kind: 'failed', reason: `no answer within ${limits.timeoutMs} ms` };
    const total = totalLength(response);
    if (bytes.length === 0) return { kind: 'empty' };
    return {
      kind: 'read',
      text: new TextDecoder('utf-8', { fatal: false }).decode(bytes),
      bytes: bytes.length,
      truncated: truncated || (total !== null && total > bytes.length),
    };
  } catch (err) {
    const aborted = controller.signal.aborted;
    // Never the error's own text: fetch errors may quote the URL.
    return { kind: 'failed', reason: aborted ? `no answer within ${limits.timeoutMs} ms` : `the download failed (${errorName(err)})` };
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the body keeping only its last `max` bytes, so a 200 with a whole large blob never fills memory. */
async function lastBytes(response: Response, max: number, signal: AbortSignal): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (!response.body) return { bytes: new Uint8Array(), truncated: false };
  const reader = response.body.getReader();
  // A body that trickles past the deadline is cut off too, not only a server slow to answer.
  signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
  let kept = new Uint8Array();
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const joined = new Uint8Array(kept.length + value.length);
    joined.set(kept);
    joined.set(value, kept.length);
    if (joined.length > max) truncated = true;
    kept = joined.length > max ? joined.slice(joined.length - max) : joined;
  }
  return { bytes: kept, truncated };
}

/** The blob's whole size from `Content-Range: bytes a-b/total` (206), else unknown. */
function totalLength(response: Response): number | null {
  const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
  return total ? Number(total) : null;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
