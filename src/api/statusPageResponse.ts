/**
 * Content negotiation for the status: a browser (Accept naming text/html) gets the page, every other client the
 * JSON it always got. The nonce is fresh per response, so a page cannot be used to vouch for another's styles.
 */
import { randomBytes } from 'node:crypto';
import type { HttpResponseInit } from '@azure/functions';
import type { RepairStatusViewWithChild } from './childProgress';
import { renderStatusPage, statusPageCsp } from './statusPage';

/** True when the caller asks for HTML by name; `*\/*` and JSON clients keep getting JSON. */
export function wantsHtml(accept: string | null | undefined): boolean {
  if (!accept) return false;
  return accept
    .split(',')
    .map((part) => part.split(';')[0].trim().toLowerCase())
    .some((type) => type === 'text/html' || type === 'application/xhtml+xml');
}

export function statusPageResponse(view: RepairStatusViewWithChild, nonce: string = randomBytes(18).toString('base64')): HttpResponseInit {
  return {
    status: 200,
    body: renderStatusPage(view, { nonce }),
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': statusPageCsp(nonce),
      'X-Content-Type-Options': 'nosniff',
      // The URL carries the function key (?code=): it must not leave in a Referer or sit in a shared cache.
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
      Vary: 'Accept',
    },
  };
}
