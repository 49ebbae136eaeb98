/**
 * Names the program behind a port that answered the Connection Request with something other than TPKT.
 * Playbook step 1 ("another process holds the RDP port") starts from exactly this clue, so the reason
 * should let an operator guess which program it is.
 */
const MAX_QUOTED_CHARS = 60;

export function describeForeignBytes(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  if (/^HTTP\/\d/.test(text)) return `an HTTP server (${quote(firstLine(text))})`;
  if (text.startsWith('SSH-')) return `an SSH server (${quote(firstLine(text))})`;
  if (bytes.length >= 2 && bytes[1] === 0x03 && (bytes[0] === 0x15 || bytes[0] === 0x16)) {
    return 'a TLS server that does not speak RDP (it answered with a TLS record instead of an X.224 Connection Confirm)';
  }
  if (isMostlyPrintable(bytes)) return `a text protocol (${quote(firstLine(text))})`;
  return `unrecognised bytes (${hexPreview(bytes)})`;
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line.length > MAX_QUOTED_CHARS ? `${line.slice(0, MAX_QUOTED_CHARS)}...` : line;
}

/** Control characters would break the one-line reason and could smuggle terminal escapes into a log. */
function quote(text: string): string {
  return JSON.stringify(text.replace(/[^\x20-\x7e]/g, '?'));
}

function isMostlyPrintable(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 64);
  if (sample.length === 0) return false;
  let printable = 0;
  for (const byte of sample) {
    if ((byte >= 0x20 && byte <= 0x7e) || byte === 0x0d || byte === 0x0a || byte === 0x09) printable += 1;
  }
  return printable / sample.length >= 0.9;
}

function hexPreview(bytes: Buffer): string {
  const shown = bytes
    .subarray(0, 16)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
  return bytes.length > 16 ? `${shown} ... ${bytes.length} bytes` : shown;
}
