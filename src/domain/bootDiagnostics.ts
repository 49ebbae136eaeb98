/**
 * What the boot diagnostics of a VM say about its guest, as the flow sees it: whether boot diagnostics are on,
 * whether a screenshot exists (never its URL: it carries a SAS token), how much of the serial log was read, and
 * what the serial log says about the last boot (src/guest/serialLogClassifier.ts).
 */

/** What the serial log says about the guest's last boot. */
export type GuestBootState =
  /** SAC started and its command channel is available: Windows is up, though the VM agent is not. */
  | { state: 'booted' }
  /** Output since the last boot, but Windows is not up yet (or stays stuck before SAC is ready, e.g. applying updates). */
  | { state: 'booting'; sacStarted: boolean }
  /** The last boot ended in a stop error (bugcheck); the code as EMS wrote it, normalised to 0x + 8 hex digits. */
  | { state: 'stopError'; stopCode: string | null; stopName: string | null }
  /** Nothing in the serial log: boot diagnostics off, or a log that is still empty. */
  | { state: 'noOutput' };

export interface SerialLogClassification {
  boot: GuestBootState;
  /** A stop error of an earlier boot still in the log's tail (a VM that crashed and restarted), if any. */
  earlierStopCode: string | null;
}

export type SerialLogRead = { read: true; bytes: number; truncated: boolean } | { read: false; reason: string };

export interface BootDiagnosticsReading {
  /** diagnosticsProfile.bootDiagnostics.enabled. */
  enabled: boolean;
  /** Managed storage (no storageUri) or a storage account of the customer's; null when off. */
  storage: 'managed' | 'custom' | null;
  screenshotAvailable: boolean;
  serialLog: SerialLogRead;
  /** The classification of what was read (noOutput when nothing could be read). */
  guest: SerialLogClassification;
  /** instanceView.bootDiagnostics.status when Azure reports a problem with boot diagnostics (e.g. storage unreachable). */
  platformStatus: string | null;
}

export interface ReadBootDiagnosticsInput {
  vmId: string;
}
