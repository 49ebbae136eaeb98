/**
 * SIMULATED: matching a request path against a Functions HTTP route template ("repairs/{id}", "repairs/{id?}",
 * "items/{id:int}", "files/{*path}"), so the simulator can find which registered function serves a URL the way
 * the host's ASP.NET routing would. Literal segments compare case-insensitively, as ASP.NET does.
 */

export interface RouteMatch {
  params: Record<string, string>;
  /** How many template segments were literals; the registry prefers the most literal match. */
  literalSegments: number;
}

interface ParsedSegment {
  literal?: string;
  param?: string;
  optional?: boolean;
  catchAll?: boolean;
  constraint?: string;
}

function parseSegment(segment: string): ParsedSegment {
  const m = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+)(?:\([^)]*\))?)?(\?)?\}$/.exec(segment);
  if (!m) return { literal: segment };
  return { param: m[2], catchAll: m[1] === '*', constraint: m[3]?.toLowerCase(), optional: m[4] === '?' };
}

// Only the constraints an operations API plausibly uses; an unknown constraint is an error, not a silent match.
function satisfies(constraint: string | undefined, value: string): boolean {
  switch (constraint) {
    case undefined:
      return true;
    case 'alpha':
      return /^[A-Za-z]+$/.test(value);
    case 'int':
    case 'long':
      return /^-?\d+$/.test(value);
    case 'guid':
      return /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(value);
    case 'bool':
      return /^(true|false)$/i.test(value);
    default:
      throw new Error(`Route constraint ":${constraint}" is not understood by the simulator's route matcher.`);
  }
}

function splitPath(path: string): string[] {
  return path
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((s) => s.length > 0);
}

export function matchHttpRoute(template: string, path: string): RouteMatch | undefined {
  const segments = splitPath(template).map(parseSegment);
  const parts = splitPath(path.split('?')[0]);
  const params: Record<string, string> = {};
  let literalSegments = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (seg.catchAll && seg.param) {
      params[seg.param] = parts.slice(i).map(decodeURIComponent).join('/');
      return { params, literalSegments };
    }
    const part = parts[i];
    if (part === undefined) {
      // Only trailing optional parameters may be absent.
      if (seg.optional && segments.slice(i).every((s) => s.optional || s.catchAll)) return { params, literalSegments };
      return undefined;
    }
    if (seg.literal !== undefined) {
      if (seg.literal.toLowerCase() !== part.toLowerCase()) return undefined;
      literalSegments++;
    } else if (seg.param) {
      const value = decodeURIComponent(part);
      if (!satisfies(seg.constraint, value)) return undefined;
      params[seg.param] = value;
    }
  }
  return parts.length === segments.length ? { params, literalSegments } : undefined;
}
