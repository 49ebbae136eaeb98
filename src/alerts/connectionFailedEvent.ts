/**
 * `RdpAutoRepair.ConnectionFailed`: the event this project defines for detectors (a synthetic RDP check, a
 * jump host's logs) that publish to the custom Event Grid topic. docs/alerts.md documents it:
 *   data: { vmResourceId: string, port?: 1-65535, observedError?: string, source?: string }
 * Unknown fields are allowed (a newer detector may send more); a bad known field makes the event invalid, and
 * so does a vmResourceId that is not a VM: a detector that says "this VM" must name one.
 */
import { z } from 'zod';
import { parseVmResourceId } from '../domain/vmResourceId';
import { boundAlertId, type EnvelopeFormat, type InboundParse, invalid } from './alertSignal';
import { issueLines } from './jsonValue';

export const CONNECTION_FAILED_EVENT_TYPE = 'RdpAutoRepair.ConnectionFailed';

const dataSchema = z.looseObject(
  {
    vmResourceId: z.string({ error: 'is required (the ARM id of the VM whose RDP failed)' }),
    port: z
      .number({ error: 'must be a whole number from 1 to 65535' })
      .int({ error: 'must be a whole number from 1 to 65535' })
      .min(1, { error: 'must be a whole number from 1 to 65535' })
      .max(65535, { error: 'must be a whole number from 1 to 65535' })
      .optional(),
    observedError: z.string({ error: 'must be a string' }).max(2000, { error: 'must be at most 2000 characters' }).optional(),
    source: z.string({ error: 'must be a string' }).max(256, { error: 'must be at most 256 characters' }).optional(),
  },
  { error: 'must be an object' },
);

export function parseConnectionFailed(eventId: string, data: unknown, envelope: EnvelopeFormat): InboundParse {
  const parsed = dataSchema.safeParse(data);
  if (!parsed.success)
    return invalid(`The ${CONNECTION_FAILED_EVENT_TYPE} event's data is invalid.`, issueLines(parsed.error, 'data'), eventId);
  const vm = parseVmResourceId(parsed.data.vmResourceId);
  if (!vm.ok) return invalid(`The ${CONNECTION_FAILED_EVENT_TYPE} event's data is invalid.`, [`data.vmResourceId: ${vm.message}`], eventId);
  const { port, observedError, source } = parsed.data;
  return {
    kind: 'signal',
    signal: {
      kind: 'connectionFailed',
      envelope,
      alertId: boundAlertId(eventId),
      rule: source ?? CONNECTION_FAILED_EVENT_TYPE,
      severity: null,
      resolved: false,
      targets: [{ vmResourceId: parsed.data.vmResourceId.trim(), ...(port !== undefined ? { port } : {}), foundIn: 'data.vmResourceId' }],
      otherResources: [],
      ...(observedError ? { observedError } : {}),
    },
  };
}
