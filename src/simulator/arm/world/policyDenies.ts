/**
 * SIMULATED: Azure Policy assignments with the deny effect, per resource. ARM evaluates policy on a resource's
 * create and update requests (PUT, PATCH) and refuses a non-compliant one with 403 RequestDisallowedByPolicy; a
 * resource created before the assignment stays as it is, but every later update of it is evaluated and refused
 * while it does not comply. POST actions (deallocate, start) are not resource writes and are not evaluated.
 * Sources: learn.microsoft.com/azure/governance/policy/concepts/effect-deny ("deny prevents a resource request
 * that doesn't match"), learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-policy-requestdisallowedbypolicy
 * (the error body: code, target = resource name, message naming the assignment and definition).
 */
import { ArmHttpError } from '../http/armErrors';

export interface DenyingPolicy {
  assignmentName: string;
  assignmentId: string;
  definitionName: string;
  definitionId: string;
}

export class PolicyDenies {
  private readonly byResource = new Map<string, DenyingPolicy>();

  /** Every later PUT/PATCH of `resourceId` is refused, as if the resource did not comply with `policy`. */
  denyUpdates(resourceId: string, policy: DenyingPolicy): void {
    this.byResource.set(resourceId.toLowerCase(), policy);
  }

  /** Throws ARM's 403 when a deny assignment covers this resource's update. */
  refuseUpdate(resourceId: string, resourceName: string): void {
    const policy = this.byResource.get(resourceId.toLowerCase());
    if (!policy) return;
    throw new ArmHttpError(
      403,
      'RequestDisallowedByPolicy',
      `Resource '${resourceName}' was disallowed by policy. Policy identifiers: ` +
        `'[{"policyAssignment":{"name":"${policy.assignmentName}","id":"${policy.assignmentId}"},` +
        `"policyDefinition":{"name":"${policy.definitionName}","id":"${policy.definitionId}"}}]'.`,
      resourceName,
    );
  }
}
