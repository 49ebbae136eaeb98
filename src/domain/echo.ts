/**
 * Bounds on what the app repeats of its input. An error message quotes the caller's value so the caller sees
 * what was wrong, but a 10,000-character id must not come back whole, and control characters in it must not
 * reach a log line raw (they could forge lines). Free text an alert carries into the orchestration input
 * (rule names, alert ids) is cut to a bound too: the input is stored with every history row.
 */

/** How much of a rejected value an error message quotes. */
export const MAX_ECHO_CHARS = 80;

/** Cuts `text` to at most `max` characters (code points), saying how much was left out. */
export function truncateText(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, max).join('')}… (${chars.length - max} more characters)`;
}

/** A value as an error message repeats it: bounded, control characters escaped. */
export function echoInput(value: unknown, max = MAX_ECHO_CHARS): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return truncateText(text, max).replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** echoInput in single quotes, the way messages quote a rejected value. */
export function quoteInput(value: unknown, max = MAX_ECHO_CHARS): string {
  return `'${echoInput(value, max)}'`;
}
