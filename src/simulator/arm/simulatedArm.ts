/**
 * SIMULATED: Azure Resource Manager for one or more simulated subscriptions, as a core-rest-pipeline `HttpClient`.
 *
 * Pass it as the `httpClient` option of the REAL ComputeManagementClient / NetworkManagementClient (see
 * createSimulatedArmClients): the SDK serializes, authenticates, retries and polls exactly as against Azure, and
 * every request ends here instead of on the network. Each request:
 *  1. syncs with the virtual clock (operations whose finish time passed complete, in order);
 *  2. is checked like ARM checks it (bearer token present, api-version present, JSON body parses);
 *  3. is routed, and its api-version checked against the operation's table (http/apiVersions.ts); an armed fault
 *     (faults.inject) answers instead of the handler if one matches;
 *  4. is answered by its handler with ARM's JSON shapes, or with the error body its resource provider sends
 *     (network: `details: []`; compute throttling nests `TooManyRequests`);
 *  5. is recorded in the request log (read or write, virtual time, status).
 */
import { RestError, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { LATENCY_MODEL, RETRY_AFTER, type LatencyModel, type RetryAfterModel } from '../latencyModel';
import { VirtualClock } from '../virtualClock';
import { BootDiagnosticsService } from './bootDiagnostics/bootDiagnosticsService';
import { ChangeFeed, type ArmChangeListener } from './changes';
import { bootDiagnosticsRoutes } from './handlers/bootDiagnostics';
import { defaultCodeFor, FaultInjector, type FaultSpec } from './faults';
import { diskRoutes } from './handlers/disks';
import type { HandlerDeps } from './handlers/common';
import { networkInterfaceRoutes } from './handlers/networkInterfaces';
import { networkReadRoutes } from './handlers/networkReads';
import { operationStatusRoutes } from './handlers/operationStatus';
import { securityRuleRoutes } from './handlers/securityRules';
import { snapshotRoutes } from './handlers/snapshots';
import { virtualMachineActionRoutes } from './handlers/virtualMachineActions';
import { virtualMachineDataDiskRoutes } from './handlers/virtualMachineDataDisks';
import { virtualMachineRoutes } from './handlers/virtualMachines';
import { apiVersionsFor } from './http/apiVersions';
import { ARM_LOOKUP_CODES, ArmHttpError, unsupportedApiVersion } from './http/armErrors';
import { toPipelineResponse, type HandlerResult } from './http/responses';
import { Router, type HttpMethod, type Route, type RouteContext } from './http/router';
import { OperationTracker } from './lro/operationTracker';
import { ArmThrottle, type Throttled, type ThrottledKind, type ThrottlingModel } from './throttling';
import { RequestLog, type ArmStats, type RequestLogEntry } from './requestLog';
import { resourceSkuRoutes } from './handlers/resourceSkus';
import { runCommandRoutes } from './handlers/runCommands';
import { RunCommandService, type RunCommandConcurrency } from './runCommand/runCommandService';
import { World } from './world/world';

export interface SimulatedArmOptions {
  /** Shared with the durable host emulator and the simulated guests; a fresh one if omitted. */
  clock?: VirtualClock;
  latency?: LatencyModel;
  /** `Retry-After` per resource provider (default RETRY_AFTER from the latency model). */
  retryAfter?: RetryAfterModel;
  /**
   * The caller's wall clock (e.g. `() => Date.now()` under jest fake timers): short operations then complete only
   * once it shows their duration has passed, so a test measures how long an activity really waits on Retry-After.
   * Default: they complete at the first poll.
   */
  wallClock?: () => number;
  /** Seed for the deterministic GUIDs (vmId, uniqueId, operation ids). */
  seed?: number;
  /** Whether a VM runs one run command at a time (default, 409 Conflict for a second) or several at once. */
  runCommandConcurrency?: RunCommandConcurrency;
  /** ARM's token-bucket throttling (throttling.ts, e.g. ARM_THROTTLING); off when omitted, as every test so far assumes. */
  throttling?: ThrottlingModel;
}

/** Object id of the simulated caller, quoted in simulated AuthorizationFailed messages. */
export const SIMULATED_PRINCIPAL_ID = '00000000-0000-0000-0000-00000000a11c';

const METHODS: readonly HttpMethod[] = ['GET', 'PUT', 'PATCH', 'DELETE', 'POST'];

export class SimulatedArm implements HttpClient {
  readonly clock: VirtualClock;
  readonly latency: LatencyModel;
  readonly retryAfter: RetryAfterModel;
  readonly world: World;
  readonly faults = new FaultInjector();
  /** Managed run commands and the simulated guests they run in (`runCommands.attachGuest`). */
  readonly runCommands: RunCommandService;
  /** Boot diagnostics: serial ports of the simulated guests, the SAS URLs handed out, and the blob store behind them. */
  readonly bootDiagnostics: BootDiagnosticsService;
  private readonly changes = new ChangeFeed();
  private readonly operations: OperationTracker;
  private readonly router = new Router();
  private readonly log = new RequestLog();
  /** The token buckets, when throttling is on. */
  readonly throttle: ArmThrottle | null;

  constructor(options: SimulatedArmOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.latency = options.latency ?? LATENCY_MODEL;
    this.world = new World(this.clock, this.latency, this.changes, options.seed);
    this.retryAfter = options.retryAfter ?? RETRY_AFTER;
    this.throttle = options.throttling ? new ArmThrottle(options.throttling) : null;
    this.operations = new OperationTracker(this.clock, this.latency, this.world.guids, this.retryAfter, options.wallClock);
    this.runCommands = new RunCommandService(this.world, this.operations, this.latency, options.runCommandConcurrency ?? 'one-at-a-time');
    this.world.syncHook = () => this.sync();
    this.bootDiagnostics = new BootDiagnosticsService(this.clock);
    const deps: HandlerDeps = {
      world: this.world,
      operations: this.operations,
      latency: this.latency,
      faults: this.faults,
      runCommands: this.runCommands,
    };
    for (const routes of [
      virtualMachineRoutes,
      virtualMachineActionRoutes,
      virtualMachineDataDiskRoutes,
      runCommandRoutes,
      diskRoutes,
      snapshotRoutes,
      networkInterfaceRoutes,
      securityRuleRoutes,
      networkReadRoutes,
      resourceSkuRoutes,
      operationStatusRoutes,
      bootDiagnosticsRoutes(this.bootDiagnostics),
    ]) {
      this.router.add(routes(deps));
    }
  }

  /** The product's BlobFetcher for the boot diagnostics blobs this ARM hands out (SAS URLs checked, Range honoured). */
  blobFetcher(): (url: string, init: { headers: Record<string, string>; signal?: AbortSignal }) => Promise<Response> {
    return this.bootDiagnostics.fetcher((vmId) => {
      this.sync();
      return this.world.store.virtualMachines.get(vmId);
    });
  }

  /** Operations of another resource provider simulated beside this one (the serial console's). */
  addRoutes(routes: Route[]): void {
    this.router.add(routes);
  }

  /** Subscribe to changes (NSG rules, power state, agent status, disks); returns the unsubscribe function. */
  onChange(listener: ArmChangeListener): () => void {
    return this.changes.subscribe(listener);
  }

  /**
   * Brings the simulation up to the virtual clock: completes operations whose finish time has passed and emits
   * the resulting changes. Requests and world accessors do this themselves; call it after advancing the clock
   * when something listens for changes.
   */
  sync(): void {
    this.runCommands.refresh();
    this.operations.settle();
    this.world.refreshAgentStatuses();
    // An agent that became Ready in that refresh may let a pending run command start at an instant already past.
    this.runCommands.refresh();
    this.operations.settle();
  }

  /** See OperationTracker.takeEarlyCompletionDebtMs: the virtual time short operations completed early still needed. */
  takeEarlyCompletionDebtMs(): number {
    return this.operations.takeEarlyCompletionDebtMs();
  }

  requests(filter?: Parameters<RequestLog['entries']>[0]): RequestLogEntry[] {
    return this.log.entries(filter);
  }

  stats(): ArmStats {
    return this.log.stats();
  }

  clearRequestLog(): void {
    this.log.clear();
  }

  /** The operations the simulator implements, for documentation. */
  routes(): ReadonlyArray<Pick<Route, 'method' | 'path' | 'operation' | 'kind' | 'permission'>> {
    return this.router.list().map(({ method, path, operation, kind, permission }) => ({ method, path, operation, kind, permission }));
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    this.sync();
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const at = this.clock.now();
    const requestId = this.world.guids.guid();
    const apiVersion = url.searchParams.get('api-version') ?? '';

    let route: Route | undefined;
    let params: Record<string, string> = {};
    let fault: FaultSpec | undefined;
    let result: HandlerResult;
    try {
      checkAuthorizationHeader(request);
      if (!apiVersion) {
        throw new ArmHttpError(
          400,
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.',
        );
      }
      if (!METHODS.includes(method as HttpMethod)) {
        throw new ArmHttpError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
      }
      ({ route, params } = this.router.match(method, url.pathname, apiVersion));
      checkApiVersion(route, url.pathname, apiVersion, this.world);
      fault = this.faults.takeFault({ method, path: url.pathname, operation: route.operation });
      if (fault?.networkError) {
        this.record(at, method, url.pathname, route, 0, fault.networkError);
        throw new RestError(`SIMULATED ARM: connection failed (${fault.networkError})`, { code: fault.networkError, request });
      }
      const throttled = fault ? null : this.throttled(method, url.pathname, route, at);
      if (fault) {
        result = faultResult(fault, route, url.pathname, this.retryAfter, at);
      } else if (throttled) {
        result = throttledResult(throttled, url.pathname);
      } else {
        const context = this.context(method as HttpMethod, url, params, request, apiVersion);
        try {
          result = route.handle(context);
        } catch (err) {
          throw asProviderError(err, route);
        }
      }
    } catch (err) {
      if (err instanceof RestError) throw err;
      if (!(err instanceof ArmHttpError)) throw err;
      result = { status: err.status, body: err.body(), headers: err.headers };
    }
    this.record(at, method, url.pathname, route, result.status, fault ? (fault.code ?? defaultCodeFor(fault.status!)) : undefined);
    // Time-driven changes caused by this request (e.g. a no-op action finishing at once) surface immediately.
    this.world.refreshAgentStatuses();
    return toPipelineResponse(request, result, requestId);
  }

  private throttled(method: string, path: string, route: Route, at: Date): Throttled | null {
    const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
    if (!this.throttle || !subscriptionId) return null;
    const kind: ThrottledKind = method === 'DELETE' ? 'delete' : route.kind === 'read' ? 'read' : 'write';
    return this.throttle.admit(subscriptionId.toLowerCase(), kind, providerOf(route) === 'Microsoft.Network', at.getTime());
  }

  private context(
    method: HttpMethod,
    url: URL,
    params: Record<string, string>,
    request: PipelineRequest,
    apiVersion: string,
  ): RouteContext {
    return { method, url, params, query: url.searchParams, body: parseBody(request), apiVersion };
  }

  private record(at: Date, method: string, path: string, route: Route | undefined, status: number, fault?: string): void {
    this.log.record({
      at,
      method,
      path,
      operation: route?.operation ?? 'unknown',
      kind: route?.kind ?? (method === 'GET' ? 'read' : 'write'),
      status,
      ...(fault ? { fault } : {}),
    });
  }
}

function checkAuthorizationHeader(request: PipelineRequest): void {
  const header = request.headers.get('authorization');
  if (!header || !/^Bearer \S+/.test(header)) {
    throw new ArmHttpError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
  }
}

function parseBody(request: PipelineRequest): unknown {
  const body = request.body;
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body !== 'string') {
    throw new ArmHttpError(400, 'InvalidRequestContent', 'SIMULATED ARM accepts JSON text bodies only.');
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new ArmHttpError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  }
}

/** Refuses an api-version the operation's table does not list, as ARM does. */
function checkApiVersion(route: Route, path: string, apiVersion: string, world: World): void {
  const entry = apiVersionsFor(route.operation);
  if (entry?.versions.includes(apiVersion)) return;
  const parts = path.split('/').filter(Boolean);
  const providers = parts.findIndex((p) => p.toLowerCase() === 'providers');
  const namespace = providers >= 0 ? (parts[providers + 1] ?? '') : '';
  const type = parts
    .slice(providers + 2)
    .filter((_, i) => i % 2 === 0)
    .join('/');
  const rg = parts[1] && parts[3] ? world.store.resourceGroup(parts[1], parts[3]) : undefined;
  throw unsupportedApiVersion(namespace, type, rg?.location ?? 'unknown', apiVersion, entry?.versions ?? []);
}

function providerOf(route: Route): 'Microsoft.Network' | 'Microsoft.Compute' {
  return /\/providers\/Microsoft\.Network\//i.test(route.path) ? 'Microsoft.Network' : 'Microsoft.Compute';
}

/** A handler's error as its resource provider sends it: the network provider always adds `details: []`. */
function asProviderError(err: unknown, route: Route): unknown {
  if (!(err instanceof ArmHttpError) || ARM_LOOKUP_CODES.has(err.code) || err.details) return err;
  if (providerOf(route) === 'Microsoft.Network') err.details = [];
  return err;
}

/**
 * ARM's answer to a request its token bucket refused (throttling.ts has the sources). Besides ARM's Retry-After it
 * carries `retry-after-ms: 1`, a SIMULATED-only header: the SDK prefers it, so its throttling retry costs 1 real ms
 * instead of real seconds. The virtual clock does not move during that wait, so the SDK's retries are refused too and
 * the 429 reaches the caller: pessimistic (in Azure the SDK's wait would let the bucket refill), never optimistic.
 */
function throttledResult(throttled: Throttled, path: string): HandlerResult {
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1] ?? '';
  const message =
    throttled.scope === 'subscription'
      ? `Number of '${throttled.kind}' requests for subscription '${subscriptionId}' actor '${SIMULATED_PRINCIPAL_ID}' exceeded. ` +
        `Please try again after '${throttled.retryAfterSeconds}' seconds after additional tokens are available. ` +
        'Refer to https://aka.ms/arm-throttling for additional information.'
      : `The request is throttled by the Microsoft.Network resource provider (${throttled.kind} limit). Retry after ` +
        `${throttled.retryAfterSeconds} seconds.`;
  const code = throttled.scope === 'subscription' ? 'SubscriptionRequestsThrottled' : 'TooManyRequests';
  return {
    status: 429,
    body: new ArmHttpError(429, code, message, undefined, {}, throttled.scope === 'subscription' ? undefined : []).body(),
    headers: { 'retry-after': String(throttled.retryAfterSeconds), 'retry-after-ms': '1' },
  };
}

/** The response an injected fault stands in for, shaped as ARM would send it. */
function faultResult(fault: FaultSpec, route: Route, path: string, retryAfter: RetryAfterModel, at: Date): HandlerResult {
  const status = fault.status!;
  const network = providerOf(route) === 'Microsoft.Network';
  if (status === 429 && !fault.code && !network) return computeThrottled(fault, retryAfter, at);
  const code = fault.code ?? defaultCodeFor(status);
  // Actions (POST .../restart) are authorized on the resource they act on.
  const scope = route.method === 'POST' ? path.slice(0, path.lastIndexOf('/')) : path;
  const message =
    fault.message ??
    (code === 'AuthorizationFailed'
      ? `The client '${SIMULATED_PRINCIPAL_ID}' with object id '${SIMULATED_PRINCIPAL_ID}' does not have authorization to ` +
        `perform action '${route.permission}' over scope '${scope}' or the scope is invalid. If access was recently ` +
        'granted, please refresh your credentials.'
      : status === 429
        ? 'The request is being throttled. (SIMULATED ARM injected fault.) Retry after the time in the Retry-After header.'
        : `SIMULATED ARM injected fault: HTTP ${status} ${code}.`);
  const details = network && code !== 'AuthorizationFailed' ? [] : undefined;
  return { status, body: new ArmHttpError(status, code, message, undefined, {}, details).body(), headers: faultHeaders(fault, retryAfter) };
}

function faultHeaders(fault: FaultSpec, retryAfter: RetryAfterModel): Record<string, string> {
  const headers: Record<string, string> = {};
  const seconds =
    fault.retryAfterSeconds === undefined && fault.status === 429 ? Math.ceil(retryAfter.throttled.ms / 1000) : fault.retryAfterSeconds;
  if (seconds !== undefined && seconds !== null) headers['retry-after'] = String(seconds);
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  return headers;
}

/**
 * Compute's throttling answer, from Microsoft docs ("Troubleshooting API throttling errors"): HTTP 429, outer code
 * OperationNotAllowed, the cause nested as `details[0].code` TooManyRequests with the operation group as target and
 * the throttling window as a JSON string message. The docs' example names the HighCostGet group; the names of the
 * other groups are not documented there, so every request is attributed to it here.
 */
function computeThrottled(fault: FaultSpec, retryAfter: RetryAfterModel, at: Date): HandlerResult {
  const window = JSON.stringify({
    operationGroup: 'HighCostGet',
    startTime: new Date(at.getTime() - 180_000).toISOString(),
    endTime: at.toISOString(),
    allowedRequestCount: 300,
    measuredRequestCount: 301,
  });
  const error = new ArmHttpError(
    429,
    'OperationNotAllowed',
    fault.message ?? 'The server rejected the request because too many requests have been received for this subscription.',
    undefined,
    {},
    [{ code: 'TooManyRequests', target: 'HighCostGet', message: window }],
  );
  return { status: 429, body: error.body(), headers: faultHeaders(fault, retryAfter) };
}
