/**
 * The alert webhook an action group calls (common alert schema). Thin: the handler lives in src/api/alertApi.ts.
 * OPTIONS is registered only to refuse the CloudEvents webhook handshake plainly (Event Grid belongs on the trigger).
 */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { receiveAlertWebhook } from '../api/alertApi';
import type { ApiDependencies } from '../api/apiDependencies';
import { withErrorBoundary } from '../api/httpResponses';

export function registerAlertsHttp(deps: ApiDependencies): void {
  app.http('receiveAlert', {
    route: 'alerts',
    methods: ['POST', 'OPTIONS'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: withErrorBoundary((request, context) => receiveAlertWebhook(request, context, deps)),
  });
}
