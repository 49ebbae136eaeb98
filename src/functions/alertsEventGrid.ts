/**
 * The Event Grid trigger: the custom topic (RdpAutoRepair.ConnectionFailed, relayed alerts) and the Resource
 * Health system topic. Thin: the handler lives in src/api/alertApi.ts. The event is typed unknown on purpose:
 * a subscription may deliver the Event Grid schema or CloudEvents, and the handler checks which.
 */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { receiveEventGridEvent } from '../api/alertApi';
import type { ApiDependencies } from '../api/apiDependencies';

export function registerAlertsEventGrid(deps: ApiDependencies): void {
  app.eventGrid<unknown>('receiveAlertEvent', {
    extraInputs: [df.input.durableClient()],
    handler: async (event, context) => {
      // The decisions are logged by the handler; an Event Grid trigger has no response to put them in.
      await receiveEventGridEvent(event, context, deps);
    },
  });
}
