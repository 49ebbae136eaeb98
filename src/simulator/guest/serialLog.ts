/**
 * SIMULATED: what a Windows guest writes to its serial port (COM1) during one boot, which Azure's boot diagnostics
 * record into the serial log. Emergency Management Services (EMS) is on in Azure's Windows images and SAC runs on
 * Windows Server images by default since 2018 (Microsoft: "Azure Serial Console for Windows").
 *
 * Texts and their sources:
 *  - SAC's start banner ("Computer is booting, SAC started and initialized.", the two "Use the ..." lines, the
 *    `SAC>` prompt) and "EVENT: The CMD command is now available." once its command channel works: Microsoft's
 *    serial console for Windows doc and public transcripts of Azure serial console sessions.
 *  - `<machine-info>` (emitted once when SAC starts) and, on a bugcheck, `<BP>` with the BLUESCREEN instance and its
 *    STOPCODE, followed by the `!SAC>` prompt: Windows' EMS in-band XML tags as console server manuals document them
 *    (Cyclades ACS, "Windows EMS XML tags", sample encodings of machine-info and channel-switch), the BLUESCREEN
 *    instance as Wikipedia's EMS article names it. The exact spacing of the BP element is from public transcripts,
 *    not from a Microsoft reference: the classifier must not depend on it.
 *  - A boot stuck applying updates: what Windows writes to the serial port then is unknown (the progress shows on the
 *    screen, "Working on updates"); the pessimistic choice is SAC's banner and nothing after it.
 */

/** How a boot of the simulated guest ends, as far as the serial port shows it. */
export type SimulatedBootState = 'booted' | 'booting-updates' | { bugcheck: string };

export interface SerialIdentity {
  computerName: string;
  build: number;
  caption: string;
  /** SMBIOS GUID of the VM (the Azure vmId). */
  guid: string;
}

const CRLF = '\r\n';

function machineInfo(id: SerialIdentity): string {
  return (
    '<?xml version="1.0"?>' +
    `<machine-info>${CRLF}<name>${id.computerName}</name>${CRLF}<guid>${id.guid}</guid>${CRLF}` +
    `<processor-architecture>AMD64</processor-architecture>${CRLF}<os-version>10.0</os-version>${CRLF}` +
    `<os-build-number>${id.build}</os-build-number>${CRLF}<os-product>${id.caption.replace(/^Microsoft /, '')}</os-product>${CRLF}` +
    `<os-service-pack>None</os-service-pack>${CRLF}</machine-info>${CRLF}`
  );
}

function sacBanner(): string {
  return (
    `${CRLF}Computer is booting, SAC started and initialized.${CRLF}${CRLF}` +
    `Use the "ch -?" command for information about using channels.${CRLF}Use the "?" command for general help.${CRLF}${CRLF}${CRLF}SAC>`
  );
}

function bugcheck(stopCode: string, id: SerialIdentity): string {
  return (
    `${CRLF}<?xml version="1.0"?>${CRLF}<BP>${CRLF}<INSTANCE CLASSNAME="BLUESCREEN">${CRLF}` +
    `<PROPERTY NAME="STOPCODE" TYPE="string"><VALUE>"${stopCode}"</VALUE></PROPERTY>` +
    `${machineInfo(id)}</INSTANCE>${CRLF}</BP>${CRLF}!SAC>`
  );
}

/** The serial output of one boot. A stop error early in boot comes before SAC starts (e.g. INACCESSIBLE_BOOT_DEVICE). */
export function serialOutputOfBoot(state: SimulatedBootState, id: SerialIdentity): string {
  if (typeof state === 'object') return bugcheck(state.bugcheck, id);
  const started = machineInfo(id) + sacBanner();
  if (state === 'booting-updates') return started;
  return `${started}${CRLF}EVENT: The CMD command is now available.${CRLF}SAC>`;
}
