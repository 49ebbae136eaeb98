/** HTTP triggers of the repair API (routes under /api). Thin: the handlers live in src/api/. */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import type { ApiDependencies } from '../api/apiDependencies';
import { getCleanup, startCleanup } from '../api/cleanupApi';
import { approveRepair, cancelRepair, rejectRepair } from '../api/decisionApi';
import { withErrorBoundary } from '../api/httpResponses';
import { findRepair, getRepair, startRepair } from '../api/repairApi';

export function registerRepairsHttp(deps: ApiDependencies): void {
  app.http('startRepair', {
    route: 'repairs',
    methods: ['POST'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: withErrorBoundary((request, context) => startRepair(request, context, deps)),
  });

  app.http('getRepair', {
    route: 'repairs/{id}',
    methods: ['GET'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: withErrorBoundary((request, context) => getRepair(request, context, deps)),
  });

  app.http('findRepair', {
    route: 'repairs',
    methods: ['GET'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: withErrorBoundary((request, context) => findRepair(request, context, deps)),
  });

  app.http('cleanupRepair', {
    route: 'repairs/{id}/cleanup',
    methods: ['POST'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: withErrorBoundary((request, context) => startCleanup(request, context, deps)),
  });

  app.http('getRepairCleanup', {
    route: 'repairs/{id}/cleanup',
    methods: ['GET'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: withErrorBoundary((request, context) => getCleanup(request, context, deps)),
  });

  const decisions = { approve: approveRepair, reject: rejectRepair, cancel: cancelRepair };
  for (const [verb, handler] of Object.entries(decisions)) {
    app.http(`${verb}Repair`, {
      route: `repairs/{id}/${verb}`,
      methods: ['POST'],
      authLevel: 'function',
      extraInputs: [df.input.durableClient()],
      handler: withErrorBoundary((request, context) => handler(request, context, deps)),
    });
  }
}
