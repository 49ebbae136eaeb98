/**
 * GET /api/retained: what this app keeps and what it costs in size, per VM (its tagged snapshots and the original
 * OS disks kept by offline repairs), with the retention settings and what the retention timer would do with each.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { ArmClients } from '../azure/clients';
import { AzureOperationError } from '../azure/errors';
import { type AppConfig, readConfig } from '../domain/config';
import { ConfigurationError } from '../domain/errors';
import type { Telemetry } from '../domain/telemetry';
import { retainedReport } from '../retention/retentionSweep';
import type { ApiDependencies } from './apiDependencies';
import { errorResponse, jsonResponse } from './httpResponses';

export interface RetainedApiDeps {
  api: ApiDependencies;
  arm: ArmClients;
  telemetry: Telemetry;
}

/** The settings, or the answer that says which one is wrong. */
export function retentionConfig(
  env: Record<string, string | undefined>,
): { ok: true; config: AppConfig } | { ok: false; error: ConfigurationError } {
  try {
    return { ok: true, config: readConfig(env) };
  } catch (err) {
    if (err instanceof ConfigurationError) return { ok: false, error: err };
    throw err;
  }
}

export async function getRetained(_request: HttpRequest, context: InvocationContext, deps: RetainedApiDeps): Promise<HttpResponseInit> {
  const loaded = retentionConfig(deps.api.env());
  if (!loaded.ok) {
    return errorResponse(500, 'ConfigurationError', `The app is misconfigured: ${loaded.error.message}`, { setting: loaded.error.setting });
  }
  if (loaded.config.scopes.length === 0) {
    return errorResponse(409, 'ScopesNotConfigured', 'REPAIR_ALLOWED_SCOPES is not set, so the app keeps nothing and looks nowhere.');
  }
  try {
    const report = await retainedReport(loaded.config, {
      arm: deps.arm,
      client: deps.api.client(context),
      telemetry: deps.telemetry,
      now: () => deps.api.now(),
      log: (line) => context.log(line),
    });
    return jsonResponse(200, {
      ...report,
      note:
        'sizeGb is ARM diskSizeGB: for a disk its provisioned size; for an incremental snapshot the size of the disk it copies, ' +
        'while Azure bills it for the data it holds, which ARM does not report.',
    });
  } catch (err) {
    if (err instanceof AzureOperationError) {
      return errorResponse(502, err.code, `Could not list the retained snapshots and disks: ${err.message}`, { operation: err.operation });
    }
    throw err;
  }
}
