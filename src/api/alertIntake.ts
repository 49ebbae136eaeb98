/**
 * One inbound alert to its decisions (one per VM it names), shared by the webhook and the Event Grid trigger:
 * parse result -> screening (pure) -> repair requests (validated like HTTP ones) -> admission (durable client).
 * Errors of the durable client propagate: the webhook answers 500 (action groups retry) and the Event Grid
 * trigger fails (Event Grid retries); a bad alert never gets that far.
 */
import type { AlertDecision } from '../alerts/alertDecision';
import { repairRequestsFor } from '../alerts/alertRequests';
import { screenSignal } from '../alerts/alertScreening';
import type { InboundParse } from '../alerts/alertSignal';
import { describeProblems } from '../domain/repairRequest';
import { admitAlertRepair, type AdmissionDeps } from './alertAdmission';

export async function decideAlert(parsed: InboundParse, deps: AdmissionDeps): Promise<AlertDecision[]> {
  if (parsed.kind === 'invalid') {
    return [{ decision: 'invalid', reason: 'invalid', message: parsed.message, details: parsed.details, alertId: parsed.eventId }];
  }
  if (parsed.kind === 'unsupported') {
    return [{ decision: 'ignored', reason: 'unsupportedEventType', message: parsed.message, alertId: parsed.eventId }];
  }
  const { signal } = parsed;
  const about = { alertId: signal.alertId, rule: signal.rule };
  const screening = screenSignal(signal, deps.policy);
  if (screening.kind === 'ignore') {
    const vmResourceId = signal.targets.length === 1 ? signal.targets[0].vmResourceId : undefined;
    return [
      { decision: 'ignored', reason: screening.reason, message: screening.message, ...about, ...(vmResourceId ? { vmResourceId } : {}) },
    ];
  }
  const decisions: AlertDecision[] = [];
  // One at a time: each start changes what the next admission sees (the VM's instance, the active count).
  for (const candidate of repairRequestsFor(signal, deps.policy)) {
    if (!candidate.ok) {
      decisions.push({
        decision: 'invalid',
        reason: 'invalid',
        message: `The alert's VM cannot be repaired as given: ${describeProblems(candidate.problems)}`,
        details: candidate.problems.map((p) => `${p.field}: ${p.message}`),
        vmResourceId: candidate.target.vmResourceId,
        ...about,
      });
      continue;
    }
    const { request } = candidate;
    const admission = await admitAlertRepair(deps, request);
    decisions.push(
      admission.kind === 'started'
        ? {
            decision: 'started',
            reason: 'started',
            repairId: admission.id,
            vmResourceId: request.vm.id,
            message:
              `Repair ${admission.id} started (mode repair, VM found in ` +
              `${candidate.target.foundIn}${request.rdpPort ? `, RDP port ${request.rdpPort}` : ''}).`,
            ...about,
          }
        : {
            decision: 'ignored',
            reason: admission.reason,
            message: admission.message,
            vmResourceId: request.vm.id,
            ...(admission.id ? { repairId: admission.id } : {}),
            ...about,
          },
    );
  }
  return decisions;
}
