/**
 * The repair API as the CLI calls it: one method per route, and every non-2xx answer turned into a CliError whose
 * message says what happened and what to do, with the API's own error message when it sent one.
 */
import { CliError } from './cliError';
import { EXIT } from './exitCodes';
import type { ApiResponse, Transport } from './transport';

/** The fields of GET /api/repairs/{id} the CLI reads (src/api/statusView.ts has the whole shape). */
export interface StatusBody {
  id: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  statusUrl?: string;
  vmResourceId?: string;
  mode?: string;
  currentStep?: string | null;
  timeline?: Array<{ step: string; status: string; startedAt: string; endedAt: string | null; detail: string }>;
  waitingFor?: { step: string; since: string; expiresAt: string; plannedChanges?: Array<{ property: string; reason: string }> } | null;
  findings?: Array<{ code: string; severity: string; message: string; advice: string | null }>;
  changes?: Array<{ resourceId: string; property: string; before: unknown; after: unknown }>;
  outcome?: { kind: string; reason: string; advice?: string[] } | null;
  artifacts?: { snapshotId?: string | null } | null;
  restarts?: number;
}

export interface StartBody {
  id: string;
  vmResourceId: string;
  mode: string;
  statusUrl: string;
}

interface ApiErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

function apiError(body: unknown): { code: string; message: string; details: unknown } | null {
  const error = (body as ApiErrorBody | null)?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') return null;
  return { code: error.code, message: error.message, details: error.details ?? null };
}

export const TERMINAL_RUNTIME_STATUSES = ['Completed', 'Failed', 'Terminated'] as const;

export function isTerminal(status: Pick<StatusBody, 'runtimeStatus'>): boolean {
  return (TERMINAL_RUNTIME_STATUSES as readonly string[]).includes(status.runtimeStatus);
}

export class RepairApiClient {
  constructor(
    private readonly transport: Transport,
    private readonly keyGiven: boolean,
  ) {}

  async start(body: Record<string, unknown>): Promise<StartBody> {
    return (await this.call('POST', '/api/repairs', body)) as StartBody;
  }

  async status(id: string): Promise<StatusBody> {
    return (await this.call('GET', `/api/repairs/${encodeURIComponent(id)}`)) as StatusBody;
  }

  /** The repair of this VM (ids are one per VM, so the latest one), via GET /api/repairs?vmResourceId=. */
  async findByVm(vmId: string): Promise<StatusBody> {
    return (await this.call('GET', `/api/repairs?vmResourceId=${encodeURIComponent(vmId)}`)) as StatusBody;
  }

  async decide(verb: 'approve' | 'reject' | 'cancel', id: string, body?: Record<string, unknown>): Promise<Record<string, unknown>> {
    return (await this.call('POST', `/api/repairs/${encodeURIComponent(id)}/${verb}`, body)) as Record<string, unknown>;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await this.transport.send(method, path, body);
    if (response.status >= 200 && response.status < 300) {
      if (!response.json || response.body === null || typeof response.body !== 'object') {
        throw new CliError(
          `${this.transport.target} answered ${method} ${path.split('?')[0]} with something that is not the repair API's JSON; check --url`,
          EXIT.unavailable,
          'NotTheApi',
        );
      }
      return response.body;
    }
    throw this.failure(method, path.split('?')[0] ?? path, response);
  }

  private failure(method: string, path: string, response: ApiResponse): CliError {
    const target = this.transport.target;
    const api = response.json ? apiError(response.body) : null;
    const from = api ? `${api.message} (${api.code})` : `HTTP ${response.status}`;
    const make = (message: string, exitCode: number) =>
      new CliError(message, exitCode, api?.code ?? `Http${response.status}`, api?.details ?? null);
    if (response.status >= 300 && response.status < 400) {
      const where = response.location ? ` to ${response.location}` : '';
      return make(`${target} redirected ${method} ${path}${where} (HTTP ${response.status}); use the app's https:// URL`, EXIT.unavailable);
    }
    switch (response.status) {
      case 400:
        return make(`the app refused the request: ${from}`, EXIT.invalidRequest);
      case 401:
        return make(
          this.keyGiven
            ? `the app refused the function key (HTTP 401); check --key / RDP_AUTOREPAIR_KEY`
            : `the app needs a function key (HTTP 401); pass --key or set RDP_AUTOREPAIR_KEY`,
          EXIT.denied,
        );
      case 403:
        return make(
          api ? `the app refused: ${from}` : `access denied (HTTP 403); check the function key and the app's access restrictions`,
          EXIT.denied,
        );
      case 404:
        return api
          ? make(api.message, EXIT.notFound)
          : make(`${target} has no repair API at ${path} (HTTP 404); check --url (the app's address, without /api)`, EXIT.unavailable);
      case 409: {
        const id = (api?.details as { id?: unknown } | null)?.id;
        const hint =
          api?.code === 'RepairAlreadyRunning' && typeof id === 'string' ? `; follow it: rdp-autorepair status ${id} --follow` : '';
        return make(`${api?.message ?? 'the repair is in the wrong state for this (HTTP 409)'}${hint}`, EXIT.conflict);
      }
      default:
        return make(`the app failed: ${from}`, EXIT.appError);
    }
  }
}
