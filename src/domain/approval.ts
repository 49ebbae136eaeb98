/**
 * The approval gate's vocabulary: the request field, the disruptive steps a repair may wait at, the external event
 * the API raises and the records the status keeps of who decided what, when and for which step.
 */
import { ConfigurationError } from './errors';

export const APPROVAL_MODES = ['none', 'beforeDisruptive'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/**
 * The steps that can interrupt the VM's workload or access to it (a service stopped or restarted, the RDP port
 * moved, the RDP certificate deleted, a restart, an NSG write). Read-only steps (diagnosis, probes, the snapshot)
 * are not here: they never wait. Opening the NSG for a port the repair moved RDP to is not a gate of its own: it
 * follows the approved fix-port-conflict, and refusing it would lock users out of the moved port.
 */
export const DISRUPTIVE_STEPS = [
  'restrictNsgRule',
  'guest:fix-port-conflict',
  'guest:renew-certificate',
  'guest:enable-tls',
  'restartVm',
  // The offline repair's two steps that take the VM down or change what it boots from; its rollback is an undo
  // and never waits. The API delivers the events to the offline sub-orchestration while it runs.
  'deallocateVm',
  'swapOsDisk',
  // Creating a temporary rescue VM: it costs money and quota, so it is asked before it is created (in the offline child).
  'createRescueVm',
  // A login at the serial console: it starts services in the guest and is audited as an interactive logon.
  'serialConsoleLogin',
] as const;
export type DisruptiveStep = (typeof DISRUPTIVE_STEPS)[number];

/** The durable external event the approve and reject routes raise. */
export const APPROVAL_EVENT = 'approval';

/** The durable external event the cancel route raises. */
export const CANCEL_EVENT = 'cancel';

export type ApprovalDecision = 'approve' | 'reject';

/** The cancel event's data: who asked and when (audit). */
export interface CancelEvent {
  by: string;
  at: string;
}

/** A cancel as the status records it: who, when, and the safe point where the repair stopped. */
export interface CancelRecord extends CancelEvent {
  stoppedAt: string;
  before: string;
}

/** The external event's data: an approval names one step or `all`; a rejection ends the repair at whatever gate it waits. */
export interface ApprovalEvent {
  decision: ApprovalDecision;
  step: DisruptiveStep | 'all';
  /** The caller's principal (App Service authentication), otherwise "function key". */
  by: string;
  /** When the API received it (ISO 8601). */
  at: string;
}

/** What the status shows while the repair waits at a gate. */
export interface WaitingFor {
  step: DisruptiveStep;
  /** What the step will change, in the same shape as the status's plannedChanges. */
  plannedChanges: Array<{ resourceId: string; property: string; before: unknown; after: unknown; reason: string }>;
  since: string;
  expiresAt: string;
}

/** One decision as the status records it (audit): what was asked, by whom, when, and what it did to the repair. */
export interface ApprovalRecord {
  decision: ApprovalDecision | 'expired';
  step: DisruptiveStep | 'all';
  by: string;
  at: string;
  /** The gate it let pass or ended the repair at; null while it waits for its step's gate, or when it changed nothing. */
  gate: DisruptiveStep | null;
  /** The repair's time when it took effect (null: not, or not yet). */
  appliedAt: string | null;
  /** What it did, in words: approved a gate, ended the repair, kept for a later gate, or nothing (a duplicate). */
  effect: string;
}

export function isApprovalEvent(value: unknown): value is ApprovalEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.decision === 'approve' || v.decision === 'reject') &&
    (v.step === 'all' || (DISRUPTIVE_STEPS as readonly unknown[]).includes(v.step)) &&
    typeof v.by === 'string' &&
    typeof v.at === 'string'
  );
}

/** APPROVAL_DEFAULT / ALERT_APPROVAL_DEFAULT: unset or blank gives `none`; anything but the two modes is a ConfigurationError. */
export function approvalModeSetting(env: Record<string, string | undefined>, name: string): ApprovalMode {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return 'none';
  const mode = APPROVAL_MODES.find((m) => m.toLowerCase() === raw.trim().toLowerCase());
  if (!mode) throw new ConfigurationError(`${name} must be 'none' or 'beforeDisruptive', got '${raw}'`, name);
  return mode;
}
