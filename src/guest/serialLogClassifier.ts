/**
 * Reads the tail of a Windows VM's serial log (boot diagnostics) and says what state the last boot reached. Pure.
 *
 * It goes by the fixed, machine-readable markers Emergency Management Services (EMS) writes to the serial port,
 * never by localized text where it can be avoided:
 *  - `<machine-info>`: SAC emits it once when it starts during boot (and again inside a `<BP>`); the last one
 *    outside a `<BP>` marks the start of the last boot. (Windows Server EMS in-band XML; documented in console
 *    server manuals that parse it, e.g. Cyclades ACS "Windows EMS XML tags", and in the EMS article of Wikipedia.)
 *  - `<BP>` ... `<INSTANCE CLASSNAME="BLUESCREEN">` with `<PROPERTY NAME="STOPCODE" ...><VALUE>"0x7B"</VALUE>`:
 *    what EMS writes on a bugcheck (the `<BP>` "break point" tag); `!SAC>` is the prompt SAC shows after it.
 *  - `SAC>`: the prompt of the Special Administration Console (Microsoft: "Windows commands - CMD and PowerShell"
 *    for the Azure serial console).
 *  - `EVENT: The CMD command is now available.`: SAC's notice that its command channel works, i.e. user mode is up
 *    (Microsoft's serial console docs and public transcripts). This one is text: if an image localizes it, a booted
 *    guest reads as still booting, which only makes the route more careful (a bounded wait, then offline).
 * What Windows writes while it applies updates at boot is shown on the screen ("Working on updates"), not known
 * to reach the serial log: such a guest reads as booting (SAC started, command channel not yet available).
 */
import type { GuestBootState, SerialLogClassification } from '../domain/bootDiagnostics';

const MACHINE_INFO = '<machine-info>';
const STOP_MARKERS = /<BP>|<INSTANCE\s+CLASSNAME="BLUESCREEN">/g;
const STOP_CODE = /<PROPERTY\s+NAME="STOPCODE"[^>]*>\s*<VALUE>\s*"?\s*(0x[0-9a-fA-F]{1,8})\s*"?\s*<\/VALUE>/;
const CMD_AVAILABLE = 'EVENT: The CMD command is now available.';
/** How far after a stop marker its STOPCODE and machine-info may be (the BP element is a few hundred bytes). */
const STOP_BLOCK_CHARS = 4096;

/**
 * Symbolic names of common stop codes, from Microsoft's "Bug check code reference"; an unlisted code is named by
 * its number only.
 */
const STOP_NAMES: Readonly<Record<string, string>> = {
  '0x0000000A': 'IRQL_NOT_LESS_OR_EQUAL',
  '0x0000001E': 'KMODE_EXCEPTION_NOT_HANDLED',
  '0x0000003B': 'SYSTEM_SERVICE_EXCEPTION',
  '0x00000050': 'PAGE_FAULT_IN_NONPAGED_AREA',
  '0x0000005A': 'CRITICAL_SERVICE_FAILED',
  '0x00000074': 'BAD_SYSTEM_CONFIG_INFO',
  '0x0000007B': 'INACCESSIBLE_BOOT_DEVICE',
  '0x0000007E': 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED',
  '0x0000009F': 'DRIVER_POWER_STATE_FAILURE',
  '0x000000D1': 'DRIVER_IRQL_NOT_LESS_OR_EQUAL',
  '0x000000ED': 'UNMOUNTABLE_BOOT_VOLUME',
  '0x000000EF': 'CRITICAL_PROCESS_DIED',
  '0x00000133': 'DPC_WATCHDOG_VIOLATION',
  '0x00000139': 'KERNEL_SECURITY_CHECK_FAILURE',
  '0xC000021A': 'STATUS_SYSTEM_PROCESS_TERMINATED',
};

/** `0x7b` -> `0x0000007B`. */
export function normaliseStopCode(raw: string): string {
  return `0x${raw.slice(2).toUpperCase().padStart(8, '0')}`;
}

export function stopCodeName(code: string): string | null {
  return STOP_NAMES[code] ?? null;
}

interface StopEvent {
  at: number;
  end: number;
  code: string | null;
}

export function classifySerialLog(text: string): SerialLogClassification {
  if (text.replace(/[\s\0]/g, '').length === 0) return { boot: { state: 'noOutput' }, earlierStopCode: null };

  const stops = stopEvents(text);
  const insideStop = (index: number) => stops.some((s) => index >= s.at && index < s.end);
  let bootStart = -1;
  for (let i = text.indexOf(MACHINE_INFO); i !== -1; i = text.indexOf(MACHINE_INFO, i + 1)) {
    if (!insideStop(i)) bootStart = i;
  }
  const lastStop = stops.at(-1);
  const earlier = stops.filter((s) => s.at < bootStart);
  const earlierStopCode = earlier.at(-1)?.code ?? (earlier.length > 0 ? 'unknown' : null);

  if (lastStop && lastStop.at > bootStart) {
    return {
      boot: { state: 'stopError', stopCode: lastStop.code, stopName: lastStop.code ? stopCodeName(lastStop.code) : null },
      earlierStopCode,
    };
  }
  const sinceBoot = text.slice(Math.max(bootStart, 0));
  const sacStarted = bootStart >= 0 || hasSacPrompt(sinceBoot);
  const boot: GuestBootState = sacStarted && sinceBoot.includes(CMD_AVAILABLE) ? { state: 'booted' } : { state: 'booting', sacStarted };
  return { boot, earlierStopCode };
}

function stopEvents(text: string): StopEvent[] {
  const events: StopEvent[] = [];
  for (const match of text.matchAll(STOP_MARKERS)) {
    const at = match.index;
    // A <BP> contains its BLUESCREEN instance: one event for both.
    const previous = events.at(-1);
    if (previous && at < previous.end) continue;
    const close = text.indexOf('</BP>', at);
    const end = close !== -1 && close - at < STOP_BLOCK_CHARS ? close + '</BP>'.length : Math.min(text.length, at + STOP_BLOCK_CHARS);
    const code = STOP_CODE.exec(text.slice(at, end))?.[1];
    events.push({ at, end, code: code ? normaliseStopCode(code) : null });
  }
  return events;
}

/** `SAC>` at the start of a line, not the `!SAC>` prompt SAC shows after a bugcheck. */
function hasSacPrompt(text: string): boolean {
  return /(^|[\r\n])SAC>/.test(text);
}
