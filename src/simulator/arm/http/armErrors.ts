/**
 * SIMULATED: ARM's error responses, `{ "error": { "code", "message", "target"?, "details"? } }`, with the codes and
 * message forms Azure uses. Handlers throw ArmHttpError; SimulatedArm turns it into the HTTP response.
 */

export interface ArmErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorBody[];
}

export class ArmHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ArmHttpError';
  }

  body(): { error: ArmErrorBody } {
    return { error: { code: this.code, message: this.message, ...(this.target ? { target: this.target } : {}) } };
  }
}

export function resourceGroupNotFound(resourceGroup: string): ArmHttpError {
  return new ArmHttpError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
}

export function subscriptionNotFound(subscriptionId: string): ArmHttpError {
  return new ArmHttpError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
}

/** ARM's own 404 for a top-level resource, e.g. type `Microsoft.Compute/virtualMachines`. */
export function resourceNotFound(type: string, name: string, resourceGroup: string): ArmHttpError {
  return new ArmHttpError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. ` +
      'For more details please go to https://aka.ms/ARMResourceNotFoundFix',
  );
}

/** The resource providers' 404 for child resources (security rules, subnets), which ARM passes through. */
export function childNotFound(id: string): ArmHttpError {
  return new ArmHttpError(404, 'NotFound', `Resource ${id} not found.`);
}

export function badRequest(code: string, message: string, target?: string): ArmHttpError {
  return new ArmHttpError(400, code, message, target);
}

export function conflict(code: string, message: string, target?: string): ArmHttpError {
  return new ArmHttpError(409, code, message, target);
}
