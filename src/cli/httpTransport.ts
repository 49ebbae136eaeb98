/**
 * The transport to a deployed app: Node's fetch, the function key in `x-functions-key`, a deadline per request.
 * Network failures become CliErrors naming the URL and what to check; the key never appears in any message.
 */
import { CliError } from './cliError';
import { EXIT } from './exitCodes';
import type { ApiResponse, Transport } from './transport';

export interface HttpTransportOptions {
  baseUrl: string;
  key: string | undefined;
  /** Deadline of one request in milliseconds. */
  requestTimeoutMs: number;
}

/** The app's origin plus any path prefix, without a trailing /api (accepted so a copied status URL base works). */
export function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new CliError(`--url '${raw}' is not a URL; give the app's address, e.g. https://<app>.azurewebsites.net`, EXIT.usage, 'BadUrl');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError(`--url must start with https:// (or http:// for a local app), got '${url.protocol}'`, EXIT.usage, 'BadUrl');
  }
  if (url.username || url.password) {
    throw new CliError('--url must not carry credentials; pass the function key with --key or RDP_AUTOREPAIR_KEY', EXIT.usage, 'BadUrl');
  }
  if (url.searchParams.has('code')) {
    // A key pasted in ?code= would end up in shell history and in every message that names the URL.
    throw new CliError('--url must not carry the key (?code=); pass it with --key or RDP_AUTOREPAIR_KEY', EXIT.usage, 'BadUrl');
  }
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  return url;
}

function networkFailure(err: unknown, target: string, timeoutMs: number): CliError {
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new CliError(`${target} did not answer within ${timeoutMs / 1000} s; is the app running?`, EXIT.unavailable, 'Timeout');
  }
  const code = e?.cause?.code;
  const why =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'its host name does not resolve; check --url'
      : code === 'ECONNREFUSED'
        ? 'the connection was refused; check --url and that the app is running'
        : e?.cause?.message === 'bad port'
          ? 'fetch refuses that port (one of the ports browsers block); check --url'
          : code?.startsWith('ERR_TLS') || code?.includes('CERT')
            ? `TLS failed (${code}); check --url`
            : `${code ?? e?.cause?.message ?? String(err)}`;
  return new CliError(`cannot reach ${target}: ${why}`, EXIT.unavailable, 'Unreachable');
}

export function httpTransport(options: HttpTransportOptions): Transport {
  const base = parseBaseUrl(options.baseUrl);
  const target = base.toString().replace(/\/$/, '');
  // Elapsed times are measured on the app's clock (its Date header), so a skewed operator clock cannot distort them.
  let skewMs = 0;
  return {
    target,
    async send(method, path, body) {
      const url = `${target}${path}`;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.key) headers['x-functions-key'] = options.key;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method,
          headers,
          redirect: 'manual',
          signal: AbortSignal.timeout(options.requestTimeoutMs),
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        text = await response.text();
      } catch (err) {
        throw networkFailure(err, target, options.requestTimeoutMs);
      }
      const serverDate = Date.parse(response.headers.get('date') ?? '');
      if (Number.isFinite(serverDate)) skewMs = serverDate - Date.now();
      const location = response.headers.get('location');
      return { ...parseBody(response.status, text), ...(location ? { location } : {}) };
    },
    pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now() + skewMs,
    close: async () => undefined,
  };
}

function parseBody(status: number, text: string): ApiResponse {
  if (text.trim() === '') return { status, body: null, json: true };
  try {
    return { status, body: JSON.parse(text) as unknown, json: true };
  } catch {
    return { status, body: null, json: false };
  }
}
