/**
 * How a guest script reports: its LAST stdout line is RESULT_MARKER followed by one compact JSON object.
 * Run Command returns only the last 4096 bytes of output, so the result must be last and small; anything
 * before it is free-form progress text for a person reading the raw output.
 */
export const RESULT_MARKER = 'RDPAUTOREPAIR-RESULT:';

/** Run Command keeps the last 4096 bytes of stdout; a result line longer than this cannot survive. */
export const RUN_COMMAND_OUTPUT_LIMIT = 4096;

export type ParsedScriptOutput =
  | { ok: true; result: unknown }
  | { ok: false; reason: 'missing-marker' | 'invalid-json' | 'truncated'; detail: string };

export function parseScriptOutput(stdout: string): ParsedScriptOutput {
  const lines = stdout
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  const last = lines[lines.length - 1] ?? '';
  const at = last.indexOf(RESULT_MARKER);
  if (at < 0) {
    const truncated = Buffer.byteLength(stdout, 'utf8') >= RUN_COMMAND_OUTPUT_LIMIT;
    return {
      ok: false,
      reason: truncated ? 'truncated' : 'missing-marker',
      detail: truncated
        ? `the output filled Run Command's ${RUN_COMMAND_OUTPUT_LIMIT}-byte window without a result line; its tail: ${last.slice(-200)}`
        : `the script ended without its result line; last line: ${last.slice(-200) || '(no output)'}`,
    };
  }
  const json = last.slice(at + RESULT_MARKER.length).trim();
  try {
    return { ok: true, result: JSON.parse(json) };
  } catch (err) {
    return {
      ok: false,
      reason: 'invalid-json',
      detail: `the result line is not JSON (${err instanceof Error ? err.message : String(err)})`,
    };
  }
}
