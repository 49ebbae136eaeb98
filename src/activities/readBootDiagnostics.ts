/**
 * Activity: what the VM's boot diagnostics say about its guest. Read-only. Reads the VM (diagnosticsProfile and
 * instanceView.bootDiagnostics); when boot diagnostics are on, asks `retrieveBootDiagnosticsData` for SAS URLs of
 * the screenshot and the serial log, downloads the serial log's tail (bounded, SERIAL_LOG_TAIL) and classifies it.
 * The SAS URLs are secrets: they stay inside this function; the result says only whether a screenshot exists,
 * and never carries the log's text (only its classification).
 */
import { classifyAzureError } from '../azure/errors';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { ActivityResult } from '../domain/activityResult';
import type { BootDiagnosticsReading, ReadBootDiagnosticsInput, SerialLogRead } from '../domain/bootDiagnostics';
import { classifySerialLog } from '../guest/serialLogClassifier';
import type { ActivityDeps } from './deps';
import { readBlobTail } from './serialLogTail';
import { ok, settleAzureError } from './settle';

/** The shortest SAS lifetime the API takes, in minutes: the URLs are used once, within seconds. */
const SAS_MINUTES = 5;

export async function readBootDiagnostics(
  input: ReadBootDiagnosticsInput,
  deps: ActivityDeps,
): Promise<ActivityResult<BootDiagnosticsReading>> {
  let id: ReturnType<typeof parseResourceId>;
  let enabled: boolean;
  let storage: BootDiagnosticsReading['storage'];
  let platformStatus: string | null;
  try {
    id = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const vm = await deps.arm.compute(id.subscriptionId).virtualMachines.get(id.resourceGroup, id.name, { expand: 'instanceView' });
    const settings = vm.diagnosticsProfile?.bootDiagnostics;
    enabled = settings?.enabled === true;
    storage = enabled ? (settings?.storageUri ? 'custom' : 'managed') : null;
    const status = vm.instanceView?.bootDiagnostics?.status;
    platformStatus = status && status.level !== 'Info' ? (status.message ?? status.displayStatus ?? status.code ?? null) : null;
  } catch (err) {
    return settleAzureError(err, 'read VM boot diagnostics settings', input.vmId);
  }
  const nothing = { boot: { state: 'noOutput' as const }, earlierStopCode: null };
  if (!enabled) {
    return ok({
      enabled,
      storage,
      screenshotAvailable: false,
      serialLog: { read: false, reason: 'boot diagnostics are off' },
      guest: nothing,
      platformStatus,
    });
  }

  let screenshotUri: string | undefined;
  let serialLogUri: string | undefined;
  try {
    const data = await deps.arm
      .compute(id.subscriptionId)
      .virtualMachines.retrieveBootDiagnosticsData(id.resourceGroup, id.name, { sasUriExpirationTimeInMinutes: SAS_MINUTES });
    screenshotUri = data.consoleScreenshotBlobUri;
    serialLogUri = data.serialConsoleLogBlobUri;
  } catch (err) {
    const classified = classifyAzureError(err, 'retrieve boot diagnostics data', input.vmId);
    if (classified.kind === 'transient') throw classified;
    // A permanent refusal (a missing permission, boot diagnostics unavailable) is a reading, not the end of the repair.
    const reason = `retrieveBootDiagnosticsData was refused (${classified.statusCode ?? '?'} ${classified.code})`;
    return ok({ enabled, storage, screenshotAvailable: false, serialLog: { read: false, reason }, guest: nothing, platformStatus });
  }

  const screenshotAvailable = typeof screenshotUri === 'string' && screenshotUri.length > 0;
  if (!serialLogUri) {
    return ok({
      enabled,
      storage,
      screenshotAvailable,
      serialLog: { read: false, reason: 'Azure returned no serial log URL' },
      guest: nothing,
      platformStatus,
    });
  }
  const tail = await readBlobTail(deps.blobFetch, serialLogUri);
  if (tail.kind === 'failed') {
    return ok({
      enabled,
      storage,
      screenshotAvailable,
      serialLog: { read: false, reason: `serial log not read: ${tail.reason}` },
      guest: nothing,
      platformStatus,
    });
  }
  const serialLog: SerialLogRead =
    tail.kind === 'read' ? { read: true, bytes: tail.bytes, truncated: tail.truncated } : { read: true, bytes: 0, truncated: false };
  return ok({
    enabled,
    storage,
    screenshotAvailable,
    serialLog,
    guest: classifySerialLog(tail.kind === 'read' ? tail.text : ''),
    platformStatus,
  });
}
