/**
 * The opt-out tag: a VM tagged `rdp-autorepair` = `off` is never touched. The tag NAME is an ARM identity
 * (case-insensitive by ARM's rule, identity.ts). Tag VALUES are case-sensitive in ARM, but this one is read
 * leniently on purpose: whoever writes `OFF`, ` Off `, `false`, `no`, `disabled` or `0` means "leave this VM
 * alone", and reading it strictly would repair a VM its owners tried to exclude. Leniency here can only make the
 * app do less.
 */
import { identityKey } from './identity';

export const OPT_OUT_TAG = 'rdp-autorepair';

const OPT_OUT_VALUES = new Set(['off', 'false', 'no', 'disabled', 'disable', '0']);

export function isOptOutValue(value: string): boolean {
  return OPT_OUT_VALUES.has(value.trim().toLowerCase());
}

export function isOptedOut(tags: Record<string, string>): boolean {
  const name = identityKey(OPT_OUT_TAG);
  return Object.entries(tags).some(([k, v]) => identityKey(k.trim()) === name && typeof v === 'string' && isOptOutValue(v));
}
