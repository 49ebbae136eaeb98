/**
 * Where a repair goes when Run Command cannot reach the guest (the VM agent is not Ready), from what its boot
 * diagnostics say (pure):
 *  - Windows booted: the serial console can bring the agent back, if that channel is configured; else offline.
 *  - a stop error: the repair ends, naming the stop code. The offline repair fixes RDP settings on the disk; it
 *    cannot fix a bugcheck, so taking the VM down for it would only cost the owner time.
 *  - still booting: wait once (bounded) and read again; then as read, booting still meaning offline.
 *  - no output, or the reading failed: the serial console if configured (it may still reach a booted guest),
 *    else offline. The offline route runs only where the request allows it (decisions/offlineMode.ts).
 */
import type { BootDiagnosticsReading } from '../../domain/bootDiagnostics';

/** How long a booting guest is given before the boot diagnostics are read again: updates at boot often take minutes. */
export const BOOT_SETTLE_SECONDS = 300;

export interface UnreachableGuestFacts {
  reading: BootDiagnosticsReading;
  /** SERIAL_CONSOLE_KEY_VAULT_URI is set. */
  serialConfigured: boolean;
  /** This reading follows the one bounded wait for a booting guest. */
  afterWait: boolean;
}

export type UnreachableGuestRoute =
  | { route: 'serial'; why: string }
  | { route: 'offline'; why: string }
  | { route: 'wait'; seconds: number; why: string }
  | { route: 'end'; stopCode: string | null; stopName: string | null; why: string };

export function unreachableGuestRoute(facts: UnreachableGuestFacts): UnreachableGuestRoute {
  const { reading, serialConfigured, afterWait } = facts;
  const boot = reading.guest.boot;
  const serialOr = (why: string): UnreachableGuestRoute =>
    serialConfigured
      ? { route: 'serial', why: `${why}: the serial console may reach it` }
      : { route: 'offline', why: `${why}, and the serial console is not configured` };
  switch (boot.state) {
    case 'stopError':
      return {
        route: 'end',
        stopCode: boot.stopCode,
        stopName: boot.stopName,
        why: 'Windows stopped with a stop error, which neither the online nor the offline repair can fix',
      };
    case 'booted':
      return serialOr('Windows booted but its agent does not answer');
    case 'booting':
      if (!afterWait) return { route: 'wait', seconds: BOOT_SETTLE_SECONDS, why: 'Windows is still starting (or applying updates)' };
      return { route: 'offline', why: `Windows was still not ready after ${BOOT_SETTLE_SECONDS} seconds` };
    case 'noOutput':
      if (!reading.enabled) return { route: 'offline', why: 'boot diagnostics are off, so the guest state is unknown' };
      if (!reading.serialLog.read) return serialOr('the boot diagnostics could not be read');
      return { route: 'offline', why: 'the serial log is empty, so the guest state is unknown' };
  }
}
