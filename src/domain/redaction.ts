/**
 * Removes what could be a secret from a text before it leaves the app as telemetry: error messages and step
 * details quote URLs (a SAS URL, a function URL with its `code=` key), headers and connection strings. Only the
 * secret part is replaced, so the rest of the message still says what happened.
 */
export const REDACTED = '[redacted]';

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Any URL's query and fragment: SAS signatures (sig=, se=, sp=), function keys (code=), tokens in links.
  [/\b(https?:\/\/[^\s?#"'<>]+)[?#][^\s"'<>]*/gi, `$1?${REDACTED}`],
  // Authorization headers and bearer tokens.
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // JSON Web Tokens (header.payload.signature, base64url): managed identity and Entra tokens.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // A SAS token given as a value (connection strings): all of it, since its parts are joined by '&'.
  [/\b(SharedAccessSignature|sas(?:token)?|sasurl)("?\s*[:=]\s*"?)[^\s;"']+/gi, `$1$2${REDACTED}`],
  // name=value / name: value where the name says secret (connection strings, query strings, headers, JSON).
  [
    /\b([A-Za-z0-9_-]*(?:password|passwd|pwd|secret|token|accountkey|sharedaccesskey|signature|sig|apikey|api-key|functions-key))("?\s*[:=]\s*"?)([^\s;&,"']+)/gi,
    `$1$2${REDACTED}`,
  ],
  // A function key given as `code=` outside a URL ("exit code: 5" stays: only `=` counts here).
  [/\bcode=([^\s;&,"']+)/gi, `code=${REDACTED}`],
];

/** Long base64 runs (storage account keys, signatures quoted alone); a resource id's path segments are not. */
const BASE64_RUN = /[A-Za-z0-9+/]{40,}={0,2}/g;

function looksLikeKey(run: string): boolean {
  if (run.includes('+') || run.endsWith('=')) return true;
  return run.split('/').some((piece) => piece.length >= 24 && /\d/.test(piece) && /[A-Z]/.test(piece) && /[a-z]/.test(piece));
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out.replace(BASE64_RUN, (run) => (looksLikeKey(run) ? REDACTED : run));
}
