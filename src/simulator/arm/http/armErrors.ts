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
    /** `error.details`: the network provider sends `[]`, compute nests the real cause (e.g. TooManyRequests). */
    public details?: ArmErrorBody[],
  ) {
    super(message);
    this.name = 'ArmHttpError';
  }

  body(): { error: ArmErrorBody } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target ? { target: this.target } : {}),
        ...(this.details ? { details: this.details.map((d) => ({ ...d })) } : {}),
      },
    };
  }
}

/**
 * Codes with which ARM itself answers a handler's lookup (the resource group or a top-level resource is not
 * there): their bodies carry no `details`. Every other error a handler raises comes from the resource provider,
 * and the network provider always adds `details: []` (e.g. the recorded
 * `Code="SecurityRuleInvalidAddressPrefix" ... Details=[]` in SDK error reports).
 */
export const ARM_LOOKUP_CODES: ReadonlySet<string> = new Set(['ResourceGroupNotFound', 'SubscriptionNotFound', 'ResourceNotFound']);

/**
 * ARM's answer to an api-version the resource type does not support (400 NoRegisteredProviderFound), naming the
 * supported versions as ARM does.
 */
export function unsupportedApiVersion(
  namespace: string,
  type: string,
  location: string,
  apiVersion: string,
  supported: readonly string[],
): ArmHttpError {
  return new ArmHttpError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${type}'. ` +
      `The supported api-versions are '${supported.join(', ')}'. (SIMULATED ARM: namespace ${namespace}; versions from ` +
      'src/simulator/arm/http/apiVersions.ts.)',
  );
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
