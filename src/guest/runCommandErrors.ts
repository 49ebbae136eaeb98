/**
 * The Run Command channel's typed failures. Each is an AzureOperationError (so activities settle them as usual:
 * transient ones are thrown for a durable retry, permanent ones returned as data), with a `reason` the
 * orchestrator can branch on without parsing messages.
 */
import { AzureOperationError } from '../azure/errors';

export type GuestChannelFailure = 'busy' | 'vmNotRunning' | 'nameInUse';

/** Copies a classified error's facts into a typed one. */
function fromClassified(err: AzureOperationError, kind: 'transient' | 'permanent'): ConstructorParameters<typeof AzureOperationError> {
  return [err.message, err.code, err.statusCode, kind, err.operation, err.resourceId, { ...err.details }];
}

/**
 * 409: something else is running on the VM: another run command ("Run command extension execution is in
 * progress") or a VM operation (restart, start). Worth retrying after a bounded wait; `suggestedRetryMs`
 * is a floor, not a promise (a script may run up to its timeout).
 */
export class GuestScriptBusyError extends AzureOperationError {
  readonly reason: GuestChannelFailure = 'busy';
  constructor(
    classified: AzureOperationError,
    readonly suggestedRetryMs: number,
  ) {
    super(...fromClassified(classified, 'transient'));
  }
}

/** 409 OperationNotAllowed "Cannot modify extensions in the VM when the VM is not running.": start it first. */
export class GuestScriptVmNotRunningError extends AzureOperationError {
  readonly reason: GuestChannelFailure = 'vmNotRunning';
  constructor(classified: AzureOperationError) {
    super(...fromClassified(classified, 'permanent'));
  }
}

/** A run command of that name exists with a different script or parameters: names must be unique per script run. */
export class GuestScriptNameInUseError extends AzureOperationError {
  readonly reason: GuestChannelFailure = 'nameInUse';
  constructor(runName: string, vmId: string, difference: string) {
    super(
      `start guest script on ${vmId} refused: run command '${runName}' already exists with a different ${difference}; ` +
        'give each script run its own name (or delete the old run command first).',
      'RunCommandNameInUse',
      undefined,
      'permanent',
      'start guest script',
      vmId,
      { message: `run command '${runName}' exists with a different ${difference}` },
    );
  }
}
