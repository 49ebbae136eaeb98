/**
 * SIMULATED: the instance view keeps only the LAST 4096 bytes of a script's output and error streams (see
 * timing.ts). Cut on bytes, as the service does; a multi-byte character split by the cut is dropped rather than
 * rendered half.
 */
import { RUN_COMMAND_OUTPUT_WINDOW_BYTES } from './timing';

export function lastBytes(text: string, limit: number = RUN_COMMAND_OUTPUT_WINDOW_BYTES): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  let start = bytes.length - limit;
  // Skip UTF-8 continuation bytes (10xxxxxx) so the window starts on a character boundary.
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start += 1;
  return bytes.subarray(start).toString('utf8');
}
