/**
 * SIMULATED: boot diagnostics storage. Each VM's serial port (a simulated guest attaches one) is what Azure
 * records into the serial log blob while boot diagnostics are on; `retrieveBootDiagnosticsData` hands out
 * SAS-shaped URLs of the screenshot and the serial log, and `fetch` serves them as Azure Storage would, for the
 * product's injected HTTP fetcher.
 *
 * Sources and assumptions:
 *  - URL shape: the operation's spec example (VirtualMachine_RetrieveBootDiagnosticsData.json:
 *    `https://storageuri/vm.serialconsole.log?{sasKey}`), with the container and blob names a public instance view
 *    shows (`bootdiagnostics-<vm>-<vmId>/<vm>.<vmId>.serialconsole.log`, azure-powershell issue 4168); the query
 *    carries the SAS fields of a service SAS (sv, st, se, sr=b, sp=r, sig), as Azure Storage documents them.
 *  - Expiry: `sasUriExpirationTimeInMinutes` 1..1440, 120 when absent (the parameter's description in the spec).
 *    An expired or unknown signature answers 403 AuthenticationFailed (Azure Storage error codes).
 *  - Range: `bytes=-N` answers 206 with the last N bytes and `Content-Range: bytes a-b/total`; a suffix range of a
 *    0-byte blob answers 416 InvalidRange (assumed, the pessimistic reading of the Range header spec: a client must
 *    treat it as "nothing there").
 */
import type { VirtualClock } from '../../virtualClock';
import type { VirtualMachineState } from '../world/types';

/** What Windows writes to COM1, as far as boot diagnostics record it. */
export interface SerialPort {
  serialLog(): string;
}

interface IssuedBlob {
  vmId: string;
  kind: 'serialLog' | 'screenshot';
  expiresAtMs: number;
}

export const SAS_DEFAULT_MINUTES = 120;

export class BootDiagnosticsService {
  private readonly ports = new Map<string, SerialPort>();
  private readonly issued = new Map<string, IssuedBlob>();
  private counter = 0;
  /** Every URL handed out, so a test can look for it anywhere the product writes (it must be nowhere). */
  readonly issuedUrls: string[] = [];

  constructor(private readonly clock: VirtualClock) {}

  attachSerialPort(vmId: string, port: SerialPort): () => void {
    this.ports.set(vmId.toLowerCase(), port);
    return () => this.ports.delete(vmId.toLowerCase());
  }

  /** The serial log as recorded now ('' without a guest, or while boot diagnostics are off). */
  serialLogOf(vm: VirtualMachineState): string {
    if (vm.bootDiagnostics === 'off') return '';
    return this.ports.get(vm.id.toLowerCase())?.serialLog() ?? '';
  }

  /** The SAS URLs of the VM's screenshot (when a guest drew one) and serial log. */
  issue(vm: VirtualMachineState, minutes: number): { consoleScreenshotBlobUri?: string; serialConsoleLogBlobUri: string } {
    const expiresAtMs = this.clock.nowMs() + minutes * 60_000;
    const url = (kind: IssuedBlob['kind']) => {
      this.counter += 1;
      const sig = `sim${this.counter.toString(16).padStart(8, '0')}${vm.vmId.replace(/-/g, '').slice(0, 12)}`;
      this.issued.set(sig, { vmId: vm.id, kind, expiresAtMs });
      const host =
        vm.bootDiagnostics === 'custom'
          ? `${vm.name
              .toLowerCase()
              .replace(/[^a-z0-9]/g, '')
              .slice(0, 16)}diag`
          : 'md-simbootdiag';
      const blob = `${vm.name}.${vm.vmId}.${kind === 'serialLog' ? 'serialconsole.log' : 'screenshot.bmp'}`;
      const query = new URLSearchParams({
        sv: '2021-08-06',
        st: new Date(this.clock.nowMs()).toISOString(),
        se: new Date(expiresAtMs).toISOString(),
        sr: 'b',
        sp: 'r',
        sig,
      });
      const container = `bootdiagnostics-${vm.name.toLowerCase()}-${vm.vmId}`;
      const result = `https://${host}.blob.core.windows.net/${container}/${blob}?${query.toString()}`;
      this.issuedUrls.push(result);
      return result;
    };
    const hasGuest = this.ports.has(vm.id.toLowerCase());
    return { ...(hasGuest ? { consoleScreenshotBlobUri: url('screenshot') } : {}), serialConsoleLogBlobUri: url('serialLog') };
  }

  /**
   * Azure Storage's GET Blob for the URLs issued here, as a fetch-compatible function (the product's injected
   * BlobFetcher). `vmOf` returns the VM's current state, so the log read is the one recorded at that instant.
   */
  fetcher(vmOf: (vmId: string) => VirtualMachineState | undefined) {
    return async (url: string, init: { headers: Record<string, string>; signal?: AbortSignal }): Promise<Response> => {
      init.signal?.throwIfAborted();
      const parsed = new URL(url);
      const entry = this.issued.get(parsed.searchParams.get('sig') ?? '');
      if (!entry || entry.expiresAtMs < this.clock.nowMs()) return storageError(403, 'AuthenticationFailed');
      const vm = vmOf(entry.vmId);
      if (!vm) return storageError(404, 'BlobNotFound');
      const body = entry.kind === 'serialLog' ? new TextEncoder().encode(this.serialLogOf(vm)) : new Uint8Array([0x42, 0x4d, 0, 0, 0, 0]);
      return ranged(body, headerOf(init.headers, 'range'));
    };
  }
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

function ranged(body: Uint8Array, range: string | undefined): Response {
  const suffix = range ? /^bytes=-(\d+)$/.exec(range.trim()) : null;
  if (!suffix) return new Response(body, { status: 200, headers: { 'content-length': String(body.length) } });
  if (body.length === 0) return storageError(416, 'InvalidRange');
  const n = Math.min(Number(suffix[1]), body.length);
  const start = body.length - n;
  return new Response(body.slice(start), {
    status: 206,
    headers: { 'content-length': String(n), 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` },
  });
}

function storageError(status: number, code: string): Response {
  return new Response(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code></Error>`, {
    status,
    headers: { 'x-ms-error-code': code, 'content-type': 'application/xml' },
  });
}
