/**
 * SIMULATED: one Windows guest. Holds the state (guestState.ts), and the operations through which the script
 * models and the VM lifecycle change it, so invariants (who holds a port, when a certificate is generated, when
 * SCHANNEL values take effect) live in one place:
 *
 *  - boot: SCHANNEL values take effect; services come up by start type (automatic ones, plus the RDP services,
 *    which Windows trigger-starts while RDP is enabled), in order, each binding its port if it is free; then,
 *    unless gpsvc is disabled, Group Policy refreshes, and a domain policy that disables TLS 1.2 writes the
 *    registry again (in effect from the following boot);
 *  - a TermService or SessionEnv start with an empty certificate store and nothing pinned creates a new
 *    self-signed certificate, as Windows does (which is why "delete the certificate, restart SessionEnv" works):
 *    in the existing RDP key container, or in a new one with the build's own ACL when there is none; a corrupt
 *    container makes the creation fail (windowsBuilds.ts [M]: events 1057/1058) until it is moved away;
 *  - the Service Control Manager reads start types at boot: a registry `Start` write changes what the SCM does
 *    only after a restart (or through Set-Service, which gpsvc refuses);
 *  - not modelled: the background Group Policy refresh (every 90 minutes or so), automatic renewal of an expired
 *    certificate, partial effects of a script killed midway, ports held through http.sys (PID 4, no service).
 */
import type { GuestScriptName, TlsServerState, TlsVersion } from '../../guest/scriptContracts';
import type { AgentHealth } from '../arm/world/types';
import { newSelfSignedCertificate, buildGuestState, type WindowsGuestSpec } from './guestSpec';
import { serialOutputOfBoot, type SerialIdentity, type SimulatedBootState } from './serialLog';
import { emptyDiskBay, type DiskBay } from './offlineDisk/disk';
import type { BootedDiskView } from './offlineDisk/fromGuest';
import { RDP_SERVICES, type GuestEvent, type GuestService, type ServiceStart, type WindowsGuestState } from './guestState';
import { windowsBuildDefaults, type FileGrant, type KeyContainerAcl } from './windowsBuilds';

export type DeepReadonly<T> = T extends (infer U)[]
  ? ReadonlyArray<DeepReadonly<U>>
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type ServiceResult = { ok: true } | { ok: false; reason: string };

export type GuestChangeListener = (event: GuestEvent) => void;

export class SimulatedWindowsGuest {
  private readonly state: WindowsGuestState;
  readonly agentHealth: AgentHealth;
  private readonly delays: Partial<Record<GuestScriptName, number>>;
  private readonly listeners = new Set<GuestChangeListener>();
  /** Its own OS disk and its data disks by LUN (a rescue VM's attached copy of a broken VM's OS disk). */
  readonly disks: DiskBay = emptyDiskBay();
  /** How every boot of this guest ends (serialLog.ts). */
  readonly bootState: SimulatedBootState;
  /** What the serial port has written since the scenario began (the current boot, then one entry per boot). */
  private serial: string;

  constructor(spec: WindowsGuestSpec = {}, options: { nowMs?: number } = {}) {
    this.state = buildGuestState(spec, options.nowMs ?? Date.UTC(2026, 0, 5, 3));
    this.agentHealth = spec.agent ?? 'Ready';
    this.delays = { ...spec.scriptDelaysMs };
    this.bootState = spec.boot ?? 'booted';
    this.serial = serialOutputOfBoot(this.bootState, this.serialIdentity());
    if (this.bootState !== 'booted') this.stopEverything();
  }

  /** The serial output so far (what boot diagnostics record while they are on). */
  serialLog(): string {
    return this.serial;
  }

  private serialIdentity(): SerialIdentity {
    const hex = Buffer.from(this.state.computerName.padEnd(16, '-').slice(0, 16)).toString('hex');
    return {
      computerName: this.state.computerName,
      build: this.state.windowsBuild,
      caption: this.state.os.caption,
      guid: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
    };
  }

  private stopEverything(): void {
    for (const service of this.state.services) service.status = 'Stopped';
    this.state.listeners = [];
  }

  // ---------------------------------------------------------------- reading

  /** The live state, typed read-only (the diagnose model reads through this and cannot write). */
  read(): DeepReadonly<WindowsGuestState> {
    return this.state;
  }

  /** A deep copy, for before/after comparisons. */
  snapshot(): WindowsGuestState {
    return structuredClone(this.state);
  }

  service(name: string): DeepReadonly<GuestService> | undefined {
    return this.find(name);
  }

  /** The service holding `port`, if any. */
  holderOf(port: number): DeepReadonly<GuestService> | undefined {
    const listener = this.state.listeners.find((l) => l.port === port);
    return listener ? this.find(listener.service) : undefined;
  }

  /** The port TermService holds right now, or null when it is stopped or could not bind. */
  rdpListenerPort(): number | null {
    return this.state.listeners.find((l) => l.service === 'TermService')?.port ?? null;
  }

  scriptDelayMs(script: GuestScriptName): number {
    return this.delays[script] ?? 0;
  }

  onChange(listener: GuestChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------------------------------------------------------------- services
  // Failure reasons are the exception messages Windows PowerShell 5.1 shows, which the scripts copy into
  // their `actions` lines.

  /** ServiceController.Start(): refused while the SCM has the service disabled (whatever the registry says). */
  startService(name: string, nowMs: number): ServiceResult {
    const service = this.find(name);
    if (!service) return { ok: false, reason: `Cannot find any service with service name '${name}'.` };
    if (service.status === 'Running') return { ok: true };
    if (service.scmStart === 4) {
      return {
        ok: false,
        reason: `Exception calling "Start" with "0" argument(s): "Cannot start service ${service.name} on computer '.'."`,
      };
    }
    service.status = 'Running';
    const port = service.name === 'TermService' ? this.state.rdpTcp.portNumber : service.port;
    // A port already held stays with its holder: the later service runs without its listener.
    if (port !== null && !this.state.listeners.some((l) => l.port === port)) this.state.listeners.push({ port, service: service.name });
    if (service.name === 'TermService' || service.name === 'SessionEnv') this.ensureCertificate(nowMs);
    return { ok: true };
  }

  /** Stop-Service -Force: running dependents stop first (their names are returned, to be started again). */
  stopService(name: string): ServiceResult & { dependents: string[] } {
    const service = this.find(name);
    if (!service) return { ok: false, reason: `Cannot find any service with service name '${name}'.`, dependents: [] };
    const dependents = this.state.services.filter(
      (s) => s.status === 'Running' && s.dependsOn.some((d) => d.toLowerCase() === service.name.toLowerCase()),
    );
    if (service.status === 'Stopped') return { ok: true, dependents: [] };
    if (!service.stoppable) {
      return {
        ok: false,
        reason:
          `Service '${service.displayName} (${service.name})' cannot be stopped due to the following error: Cannot stop ` +
          `${service.name} service on computer '.'.`,
        dependents: [],
      };
    }
    for (const dependent of dependents) this.markStopped(dependent);
    this.markStopped(service);
    return { ok: true, dependents: dependents.map((d) => d.name) };
  }

  /** Stop (with -Force) and start again, dependents included: a convenience for scenarios and tests. */
  restartService(name: string, nowMs: number): ServiceResult {
    const stopped = this.stopService(name);
    if (!stopped.ok) return stopped;
    const started = this.startService(name, nowMs);
    if (!started.ok) return started;
    for (const dependent of stopped.dependents) this.startService(dependent, nowMs);
    return { ok: true };
  }

  /** Writes the registry Start value only: the SCM sees it at the next boot. */
  setServiceStart(name: string, start: ServiceStart): void {
    const service = this.find(name);
    if (!service) throw new Error(`SIMULATED guest: no service ${name}`);
    service.start = start;
  }

  /** Set-Service -StartupType: changes the SCM's start type (and the registry), unless the SCM refuses. */
  setServiceStartThroughScm(name: string, start: ServiceStart): ServiceResult {
    const service = this.find(name);
    if (!service) return { ok: false, reason: `Cannot find any service with service name '${name}'.` };
    if (service.scmLocked) {
      return {
        ok: false,
        reason: `Service '${service.displayName} (${service.name})' cannot be configured due to the following error: Access is denied`,
      };
    }
    service.start = start;
    service.scmStart = start;
    return { ok: true };
  }

  // ---------------------------------------------------------------- registry, firewall, certificates, files

  setPortNumber(port: number): void {
    this.state.rdpTcp.portNumber = port;
  }

  setFirewallRule(name: string, values: { localPorts?: string; enabled?: boolean }): void {
    const rule = this.state.firewallRules.find((r) => r.name === name);
    if (!rule) throw new Error(`SIMULATED guest: no firewall rule ${name}`);
    Object.assign(rule, values);
  }

  /** Writes SCHANNEL values; they take effect at the next boot. */
  setTlsServer(version: TlsVersion, values: TlsServerState): void {
    this.state.schannel.configured[version] = { ...values };
  }

  setRegistryExtra(path: string, name: string, value: number | null): void {
    const key = `${path}\\${name}`;
    if (value === null) delete this.state.registryExtras[key];
    else this.state.registryExtras[key] = value;
  }

  registryExtra(path: string, name: string): number | null {
    return this.state.registryExtras[`${path}\\${name}`] ?? null;
  }

  setPinnedThumbprint(thumbprint: string | null): void {
    this.state.rdpTcp.pinnedThumbprint = thumbprint;
  }

  removeCertificate(): void {
    this.state.certificate = null;
  }

  /** icacls /grant (add-only) on the RDP key container: each entry only ever gains; a deny entry is untouched. */
  grantMachineKeysAccess(granted: Partial<KeyContainerAcl>): void {
    const grants = this.state.machineKeys.grants;
    for (const [who, grant] of Object.entries(granted) as [keyof KeyContainerAcl, FileGrant][]) grants[who] = strongest(grants[who], grant);
  }

  /** Move-Item of the RDP key container file to `to` (the backup): Windows creates a new one when it needs it. */
  moveKeyContainerAside(to: string): void {
    const keys = this.state.machineKeys;
    keys.rdpContainerFound = false;
    keys.containerCorrupt = false;
    keys.networkServiceDenied = false;
    this.writeFile(to);
  }

  writeFile(path: string): void {
    if (!this.state.files.includes(path)) this.state.files.push(path);
  }

  // ---------------------------------------------------------------- Group Policy

  /** `gpupdate /target:computer /force`: 0 when Group Policy refreshed, 1 when the Group Policy Client is not running. */
  gpupdate(nowMs: number): number {
    if (this.find('gpsvc')?.status !== 'Running') return 1;
    this.refreshGroupPolicy(nowMs, 'gpupdate');
    return 0;
  }

  // ---------------------------------------------------------------- OS disk swap (driven by the simulated ARM)

  /**
   * The VM now boots from another OS disk (an offline-repaired copy swapped in, or the original swapped back):
   * what that disk holds replaces the registry, certificate, key container and file state. Called while the VM
   * is deallocated; the next boot reads it like any other boot.
   */
  adoptOsDisk(view: BootedDiskView, files: readonly string[], diskId: string, nowMs: number): void {
    const s = this.state;
    s.rdpTcp = {
      // An absent PortNumber means the listener's default, 3389 (Microsoft docs, "Change the listening port for Remote Desktop").
      portNumber: view.rdpTcp.portNumber ?? 3389,
      fDenyTSConnections: view.rdpTcp.fDenyTSConnections ?? 0,
      securityLayer: view.rdpTcp.securityLayer,
      userAuthentication: view.rdpTcp.userAuthentication,
      allowSecProtocolNegotiation: view.rdpTcp.allowSecProtocolNegotiation,
      pinnedThumbprint: view.rdpTcp.pinnedThumbprint,
    };
    s.schannel.configured = structuredClone(view.tls);
    for (const service of s.services) {
      const start = view.serviceStarts[service.name];
      if (start === 2 || start === 3 || start === 4) {
        service.start = start;
        service.scmStart = start;
      }
    }
    if (view.certificate === null) s.certificate = null;
    else if (s.certificate?.thumbprint.toUpperCase() !== view.certificate.thumbprint.toUpperCase()) {
      // A certificate this model did not issue: the disk holds its store entry, not its key; pessimistically unusable.
      s.certificate = null;
    }
    const keys = s.machineKeys;
    keys.rdpContainerFound = view.machineKeys.rdpContainerFound;
    keys.networkServiceDenied = view.machineKeys.networkServiceDenied;
    if (view.machineKeys.systemFullControl) keys.grants.system = 'F';
    if (view.machineKeys.networkServiceRead) keys.grants.networkService = strongest(keys.grants.networkService, 'R');
    s.files = [...files];
    this.record({ kind: 'os-disk-adopted', atMs: nowMs, diskId });
  }

  // ---------------------------------------------------------------- lifecycle (driven by the simulated ARM)

  boot(nowMs: number): void {
    this.serial += serialOutputOfBoot(this.bootState, this.serialIdentity());
    if (this.bootState !== 'booted') {
      // A boot that stops with a bugcheck, or hangs applying updates, never starts the services.
      this.stopEverything();
      this.record({ kind: 'boot', atMs: nowMs });
      return;
    }
    this.state.schannel.effective = structuredClone(this.state.schannel.configured);
    this.state.listeners = [];
    for (const service of this.state.services) {
      service.status = 'Stopped';
      service.scmStart = service.start; // the SCM reads start types from the registry at boot
    }
    const rdpEnabled = this.state.rdpTcp.fDenyTSConnections === 0;
    for (const service of this.state.services) {
      const triggered = rdpEnabled && (RDP_SERVICES as readonly string[]).includes(service.name);
      if (service.scmStart === 2 || (triggered && service.scmStart !== 4)) this.startService(service.name, nowMs);
    }
    this.state.lastBootUpTimeMs = nowMs;
    this.record({ kind: 'boot', atMs: nowMs });
    if (this.find('gpsvc')?.status === 'Running') this.refreshGroupPolicy(nowMs, 'boot');
  }

  shutdown(nowMs: number): void {
    for (const service of this.state.services) service.status = 'Stopped';
    this.state.listeners = [];
    this.record({ kind: 'shutdown', atMs: nowMs });
  }

  /** Notes a script run and tells listeners (the harness re-reads the RDP behaviour). */
  recordScript(script: string, exitCode: number, nowMs: number): void {
    this.record({ kind: 'script', atMs: nowMs, script, exitCode });
  }

  // ---------------------------------------------------------------- internals

  private refreshGroupPolicy(nowMs: number, trigger: 'boot' | 'gpupdate'): void {
    const domain = this.state.domain;
    const current = this.state.schannel.configured['TLS 1.2'];
    const revert = domain.joined && domain.policyDisablesTls12 && !(current.enabled === 0 && current.disabledByDefault === 1);
    if (revert) this.state.schannel.configured['TLS 1.2'] = { enabled: 0, disabledByDefault: 1 };
    this.record({ kind: 'gp-refresh', atMs: nowMs, trigger, revertedTls12: revert });
  }

  private ensureCertificate(nowMs: number): void {
    if (this.state.certificate !== null || this.state.rdpTcp.pinnedThumbprint !== null) return;
    const keys = this.state.machineKeys;
    if (keys.rdpContainerFound && keys.containerCorrupt) {
      this.record({ kind: 'certificate-creation-failed', atMs: nowMs, reason: 'the RDP key container exists but cannot be opened' });
      return;
    }
    if (!keys.rdpContainerFound) {
      // A new container gets the build's own entries (windowsBuilds.ts [M]: "Windows mints a brand new key
      // container with correct permissions").
      this.state.machineKeys = {
        ...keys,
        rdpContainerFound: true,
        grants: { ...windowsBuildDefaults(this.state.windowsBuild).keyContainerAcl },
        networkServiceDenied: false,
        containerCorrupt: false,
      };
    }
    this.state.certificatesIssued += 1;
    this.state.certificate = newSelfSignedCertificate(this.state.computerName, this.state.certificatesIssued, nowMs);
    this.record({ kind: 'certificate-created', atMs: nowMs, thumbprint: this.state.certificate.thumbprint });
  }

  private markStopped(service: GuestService): void {
    service.status = 'Stopped';
    this.state.listeners = this.state.listeners.filter((l) => l.service !== service.name);
  }

  private find(name: string): GuestService | undefined {
    const wanted = name.toLowerCase();
    return this.state.services.find((s) => s.name.toLowerCase() === wanted);
  }

  private record(event: GuestEvent): void {
    this.state.events.push(event);
    for (const listener of [...this.listeners]) listener(event);
  }
}

const GRANT_ORDER: readonly FileGrant[] = ['-', 'R', 'F'];

function strongest(a: FileGrant, b: FileGrant): FileGrant {
  return GRANT_ORDER.indexOf(a) >= GRANT_ORDER.indexOf(b) ? a : b;
}
