/** Reads a JSON request body with a size cap, telling "too big", "not JSON" and "empty" apart. */
import type { HttpRequest } from '@azure/functions';

export const MAX_BODY_BYTES = 64 * 1024;

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; code: string; message: string };

export async function readJsonBody(request: HttpRequest, maxBytes = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    return { ok: false, status: 413, code: 'PayloadTooLarge', message: `The body is ${declared} bytes; the limit is ${maxBytes}.` };
  }
  const text = await request.text();
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) {
    return { ok: false, status: 413, code: 'PayloadTooLarge', message: `The body is ${size} bytes; the limit is ${maxBytes}.` };
  }
  if (text.trim() === '') {
    return {
      ok: false,
      status: 400,
      code: 'InvalidJson',
      message: 'The body is empty; send a JSON object such as {"vmResourceId": "/subscriptions/.../virtualMachines/vm1"}.',
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const detail = err instanceof SyntaxError ? err.message : 'unparseable';
    return { ok: false, status: 400, code: 'InvalidJson', message: `The body is not valid JSON (${detail}).` };
  }
}
