/**
 * Did the guest reboot? Judged from Win32_OperatingSystem.LastBootUpTime read before and after the restart,
 * both from the guest's own clock (so a guest clock that is off does not matter). Windows derives the value
 * from the clock and the uptime, so two reads without a reboot can differ by a second or so; a real reboot
 * moves it by at least the time from the previous boot to the restart, which includes the repair's own steps
 * before it (minutes). Pure.
 */
export type RebootVerdict = 'rebooted' | 'notRebooted' | 'unknown';

/** Differences up to this are read jitter, not a reboot. */
export const BOOT_TIME_JITTER_MS = 60_000;

export function rebootVerdict(before: string | null, after: string | null): RebootVerdict {
  const from = before === null ? Number.NaN : Date.parse(before);
  const to = after === null ? Number.NaN : Date.parse(after);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return 'unknown';
  return to - from > BOOT_TIME_JITTER_MS ? 'rebooted' : 'notRebooted';
}
