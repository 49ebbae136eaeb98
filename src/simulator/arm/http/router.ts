/**
 * SIMULATED: maps ARM request paths to handlers. Paths are matched segment by segment, literals without regard
 * to case (ARM is case-insensitive), `{name}` segments captured. The api-version is not part of routing: the
 * simulator answers any version with the same shapes.
 */
import { ArmHttpError } from './armErrors';
import type { HandlerResult } from './responses';

export type RequestKind = 'read' | 'write';
export type HttpMethod = 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST';

export interface RouteContext {
  method: HttpMethod;
  url: URL;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  apiVersion: string;
}

export interface Route {
  method: HttpMethod;
  /** e.g. `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{vmName}` */
  path: string;
  /** Name used in the request log and stats, e.g. `virtualMachines.restart`. */
  operation: string;
  /** Reads: GETs and read-only POSTs. Writes: PUT/PATCH/DELETE and action POSTs. */
  kind: RequestKind;
  /** The RBAC action a real caller needs, quoted in simulated AuthorizationFailed errors. */
  permission: string;
  handle(context: RouteContext): HandlerResult;
}

interface CompiledRoute {
  route: Route;
  segments: Array<{ literal: string } | { param: string }>;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(routes: Route[]): void {
    for (const route of routes) {
      const segments = route.path
        .split('/')
        .filter(Boolean)
        .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : { literal: s.toLowerCase() }));
      this.routes.push({ route, segments });
    }
  }

  /** The route for this request, or an ArmHttpError shaped like ARM's answer to an unknown URI. */
  match(method: string, path: string, apiVersion: string): RouteMatch {
    const parts = path.split('/').filter(Boolean).map(safeDecode);
    const byPath = this.routes
      .map((compiled) => ({ compiled, params: matchSegments(compiled.segments, parts) }))
      .filter((m): m is { compiled: CompiledRoute; params: Record<string, string> } => m.params !== undefined);
    const exact = byPath.find((m) => m.compiled.route.method === method);
    if (exact) return { route: exact.compiled.route, params: exact.params };
    if (byPath.length > 0) {
      const allowed = [...new Set(byPath.map((m) => m.compiled.route.method))].join(', ');
      throw new ArmHttpError(
        405,
        'MethodNotAllowed',
        `The requested resource does not support http method '${method}'. (SIMULATED ARM implements ${allowed} here.)`,
      );
    }
    throw unknownUri(parts, path, apiVersion);
  }

  /** The registered routes, for documentation and tests. */
  list(): Route[] {
    return this.routes.map((r) => r.route);
  }
}

function matchSegments(segments: CompiledRoute['segments'], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i]!;
    if ('literal' in segment) {
      if (segment.literal !== part.toLowerCase()) return undefined;
    } else {
      params[segment.param] = part;
    }
  }
  return params;
}

const KNOWN_NAMESPACES = new Set(['microsoft.compute', 'microsoft.network']);

function unknownUri(parts: string[], path: string, apiVersion: string): ArmHttpError {
  const providers = parts.findIndex((p) => p.toLowerCase() === 'providers');
  const namespace = providers >= 0 ? parts[providers + 1] : undefined;
  if (!namespace) {
    return new ArmHttpError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${path}'.`);
  }
  if (!KNOWN_NAMESPACES.has(namespace.toLowerCase())) {
    return new ArmHttpError(
      404,
      'InvalidResourceNamespace',
      `The resource namespace '${namespace}' is invalid. (SIMULATED ARM implements Microsoft.Compute and Microsoft.Network only.)`,
    );
  }
  // ARM names the type by its type segments (every other segment after the namespace).
  const typeSegments = parts.slice(providers + 2).filter((_, i) => i % 2 === 0);
  return new ArmHttpError(
    404,
    'InvalidResourceType',
    `The resource type '${typeSegments.join('/')}' could not be found in the namespace '${namespace}' for api version ` +
      `'${apiVersion}'. (SIMULATED ARM does not implement this request.)`,
  );
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
