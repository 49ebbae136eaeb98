/**
 * From a screened signal to repair requests, through the same validation an HTTP request gets
 * (validateRepairRequest), so an alert can never ask for more than a caller could. Alerts always repair
 * (mode `repair`); allowedSourceCidrs come from ALERT_ALLOWED_SOURCE_CIDRS, because an alert cannot say where
 * RDP should be reachable from and an empty list means a world-open rule is only reported.
 */
import type { AlertPolicy } from '../domain/alertPolicyConfig';
import { type FieldProblem, type RepairRequest, validateRepairRequest } from '../domain/repairRequest';
import type { AlertSignal, AlertTarget } from './alertSignal';

export type TargetRequest =
  | { ok: true; target: AlertTarget; request: RepairRequest }
  | { ok: false; target: AlertTarget; problems: FieldProblem[] };

export function repairRequestsFor(
  signal: AlertSignal,
  policy: Pick<AlertPolicy, 'allowedSourceCidrs'> & Partial<Pick<AlertPolicy, 'sourcePrefixLimits' | 'approvalDefault'>>,
): TargetRequest[] {
  const source = { kind: 'alert' as const, alertId: signal.alertId, ...(signal.rule ? { rule: signal.rule } : {}) };
  return signal.targets.map((target) => {
    const body = {
      vmResourceId: target.vmResourceId,
      ...(target.port !== undefined ? { rdpPort: target.port } : {}),
      ...(policy.allowedSourceCidrs.length > 0 ? { allowedSourceCidrs: policy.allowedSourceCidrs } : {}),
    };
    const result = validateRepairRequest(body, source, policy.sourcePrefixLimits, policy.approvalDefault);
    return result.ok ? { ok: true, target, request: result.request } : { ok: false, target, problems: result.problems };
  });
}
