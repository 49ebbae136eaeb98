/**
 * Resource Health availability events from the Event Grid system topic Microsoft.ResourceNotifications.HealthResources:
 * `Microsoft.ResourceNotifications.HealthResources.AvailabilityStatusChanged`, data.resourceInfo.properties =
 * {targetResourceId, targetResourceType, availabilityState, previousAvailabilityState, occurredTime}.
 * Unavailable or Degraded may mean the guest stopped answering, so it is a reason to look; Available is the
 * problem ending (like a Resolved alert); Unknown means Resource Health lost its signal, which is no evidence
 * of anything. Whether these events may start repairs at all is the operators' choice (REPAIR_ON_HEALTH_EVENTS).
 */
import { z } from 'zod';
import { echoInput, quoteInput } from '../domain/echo';
import { boundAlertId, boundRule, type EnvelopeFormat, type InboundParse, invalid } from './alertSignal';
import { issueLines } from './jsonValue';
import { classifyTargetId } from './targetIds';

export const HEALTH_EVENT_TYPE = 'Microsoft.ResourceNotifications.HealthResources.AvailabilityStatusChanged';

const dataSchema = z.looseObject(
  {
    resourceInfo: z.looseObject(
      {
        properties: z.looseObject(
          {
            targetResourceId: z.string({ error: 'is required' }).min(1, { error: 'must not be empty' }),
            targetResourceType: z.string().optional(),
            availabilityState: z.string({ error: 'is required' }),
            previousAvailabilityState: z.string().nullish(),
          },
          { error: 'must be an object' },
        ),
      },
      { error: 'must be an object' },
    ),
  },
  { error: 'must be an object' },
);

export function parseHealthEvent(eventId: string, data: unknown, envelope: EnvelopeFormat): InboundParse {
  const parsed = dataSchema.safeParse(data);
  if (!parsed.success) return invalid('The Resource Health event is invalid.', issueLines(parsed.error, 'data'), eventId);
  const { targetResourceId, availabilityState, previousAvailabilityState } = parsed.data.resourceInfo.properties;
  const state = availabilityState.trim().toLowerCase();
  const target = classifyTargetId(targetResourceId);
  // A target that is not a well-formed id rejects the event (targetIds.ts), like a malformed alert target.
  if (target.kind === 'malformed')
    return invalid('The Resource Health event is invalid.', [`data.resourceInfo.properties.targetResourceId: ${target.message}`], eventId);
  const isVm = target.kind === 'vm';
  const transition = `${echoInput(previousAvailabilityState ?? '?', 40)} -> ${echoInput(availabilityState, 40)}`;
  return {
    kind: 'signal',
    signal: {
      kind: 'healthEvent',
      envelope,
      alertId: boundAlertId(eventId),
      rule: boundRule(`Resource Health ${transition}`),
      severity: null,
      resolved: state === 'available',
      ...(state === 'unavailable' || state === 'degraded' || state === 'available'
        ? {}
        : { notActionable: `Resource Health reports ${quoteInput(availabilityState)}, which says nothing about the guest` }),
      targets: isVm ? [{ vmResourceId: targetResourceId.trim(), foundIn: 'data.resourceInfo.properties.targetResourceId' }] : [],
      otherResources: isVm ? [] : [targetResourceId],
    },
  };
}
