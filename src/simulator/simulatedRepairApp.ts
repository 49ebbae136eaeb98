/**
 * SIMULATED: the whole app on simulated Azure, for the end-to-end tests, `npm run demo` and the benchmark.
 * The app's REAL registrations are loaded through the functions-core stand-in; HTTP requests go to the real
 * handlers; the real orchestrator is replayed by the durable host emulator on a virtual clock; activities call
 * the simulated ARM through the real SDK clients; the real probe dials a loopback RDP endpoint per VM whose
 * behaviour follows the simulated state, and whether a probe gets through the NSGs is the simulated network's
 * own decision (nsgPacketFilter), never the product's. Each instance registers the app through its composition
 * root with its own dependencies, so several can run in one process.
 *
 * Worker faults (issue: every fault ends honest): with `workerFaults`, the emulator can kill the worker after an
 * activity or lose an activity's result. A restarted worker is the app loaded again in a fresh module registry
 * and wired again from the same composition inputs (settings, clock, simulated ARM, emulator client): nothing
 * the previous worker kept in memory survives, as in a new Functions worker process.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { probeRdp } from '../rdp/probe';
import type { RdpProbeResult } from '../domain/rdpProbe';
import type { RepairClient } from '../api/repairClient';
import { serialConsoleDeps } from '../activities/deps';
import { registerApp } from '../functions/registerApp';
import type { SacTimeouts } from '../guest/serialConsole/sacClient';
import type { LatencyModel } from './latencyModel';
import { createSimulatedArmClients, SimulatedArm, type ArmChange, type FaultSpec, type ResourceGroupRef } from './arm';
import type { ThrottlingModel } from './arm/throttling';
import { DurableHostEmulator, type ActivityPoint } from './durable';
import {
  createInvocationContext,
  type FunctionLogEntry,
  freshRequireCache,
  registerFunctionApp,
  type FunctionRegistry,
  type ModuleIsolation,
} from './functionsHost';
import { admitsInbound, openToWorld } from './nsgPacketFilter';
import { endpointBehaviourFor } from './rdpEndpointPolicy';
import { attachSimulatedGuest, guestPortBehaviours, SimulatedWindowsGuest } from './guest';
import { SimulatedDiskContents } from './guest/diskContents';
import { startSimulatedRdpEndpoint, type SimulatedRdpEndpoint } from './rdpEndpoint';
import { SIM_APP_ADDRESS, SIM_LOCATION, SIM_RESOURCE_GROUP, SIM_SUBSCRIPTION_ID } from './scenarios/catalog';
import type { GuestFault, Scenario, SeededVm } from './scenarios/scenario';
import { RecordingTelemetry } from './recordingTelemetry';
import { VirtualClock } from './virtualClock';
import { SimulatedEventGridCredential, SimulatedEventGridTopic } from './eventGridTopic';
import { eventGridSink } from '../watch/watchPublisher';
import { WINDOWS_BUILDS, type WindowsBuild } from './guest/windowsBuilds';
import { SimulatedCredential } from './arm/credential';
import { SimulatedKeyVault } from './keyVault/simulatedKeyVault';
import { SimulatedSerialConsole } from './serialConsole/simulatedSerialConsole';

const SRC = path.join(__dirname, '..');

/** What the simulation wires into one loaded copy of the app: its composition root and the parts it dials with. */
interface AppModules {
  registerApp: typeof registerApp;
  probeRdp: typeof probeRdp;
  createSimulatedArmClients: typeof createSimulatedArmClients;
  serialConsoleDeps: typeof serialConsoleDeps;
}

const FIRST_WORKER_MODULES: AppModules = { registerApp, probeRdp, createSimulatedArmClients, serialConsoleDeps };

/** The modules of the copy of the app just loaded (call inside the isolation that loaded it). */
function freshModules(): AppModules {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = <T>(relative: string): T => require(path.join(SRC, relative)) as T;
  return {
    registerApp: load<typeof import('../functions/registerApp')>('functions/registerApp').registerApp,
    probeRdp: load<typeof import('../rdp/probe')>('rdp/probe').probeRdp,
    createSimulatedArmClients: load<typeof import('./arm/clients')>('simulator/arm/clients').createSimulatedArmClients,
    serialConsoleDeps: load<typeof import('../activities/deps')>('activities/deps').serialConsoleDeps,
  };
}

/** Worker faults the emulator injects (see DurableHostEmulatorOptions for their exact meaning). */
export interface SimulatedWorkerFaults {
  /** True kills the worker after this activity's result was recorded; the app is loaded and wired again. */
  crashAfterActivity?: (point: ActivityPoint) => boolean;
  /** True loses this activity's result: it ran, the host never heard, it runs again later (on a new worker). */
  loseActivityResult?: (point: ActivityPoint) => boolean;
  lostResultRedeliveryMs?: number;
}

export interface SimulatedAppOptions {
  /** App settings on top of the simulation's defaults (REPAIR_ALLOWED_SCOPES = the simulated resource group, ...). */
  settings?: Record<string, string | undefined>;
  executeActivitiesTwice?: boolean;
  /** This app's address as the simulated NSGs see it. */
  appAddress?: string;
  workerFaults?: SimulatedWorkerFaults;
  /**
   * How a restarted worker gets fresh modules. Default: an emptied require cache (plain Node); under jest pass
   * `(load) => jest.isolateModules(load)` (test/support/moduleIsolation.ts).
   */
  isolateModules?: ModuleIsolation;
  /** Functions a test registers beside the app's own (e.g. a small orchestration), into this app's registry. */
  extraRegistrations?: () => void;
  /** The watch's budget clock (default: real time, performance.now); a test of the budget cut passes its own. */
  watchMonotonicMs?: () => number;
  /** The SAC client's waits (real time: the session runs on loopback sockets); default 2 s for every wait. */
  serialConsoleTimeouts?: SacTimeouts;
  /** ARM's token-bucket throttling in the simulated ARM (the fleet bench); off by default. */
  throttling?: ThrottlingModel;
  /** The simulated ARM's latency model (default LATENCY_MODEL), e.g. a guest that boots faster than its agent is Ready. */
  latency?: LatencyModel;
  /** Told of every RDP probe the app (or a baseline through `probe`) makes, at its virtual instant (the bench). */
  onProbe?: (observed: ObservedProbe) => void;
  /**
   * The bench: an activity's result arrives as much later as the short ARM operations it awaited needed (an NSG
   * write, a disk swap), instead of at the instant it ran. Off in tests, whose timings assume the instant.
   */
  chargeShortArmOperations?: boolean;
  /**
   * App instances scaled out on the one task hub (default 1): each further instance is the app loaded again in
   * fresh modules (no module state shared; under jest pass `isolateModules`), with its own registrations and
   * handlers (`instance(i)`); the emulator hands every work item to the instances in turn.
   */
  instances?: number;
  /**
   * The loopback RDP endpoints follow the simulated state only when a probe is about to dial them (always then),
   * not at every ARM or guest change. The probe sees the same behaviour; what is skipped is following changes
   * nobody probes (a VM restarting goes 'silent', which holds a worker thread). The fleet bench sets it.
   */
  endpointsOnDemand?: boolean;
}

/** One app instance of a scaled-out simulated app: its own registrations and HTTP / timer handlers. */
export interface SimulatedAppInstance {
  readonly registry: FunctionRegistry;
  http(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<SimHttpResponse>;
  timer(name: string, isPastDue?: boolean): Promise<FunctionLogEntry[]>;
}

/** Where a scenario is seeded (the fleet bench: several resource groups, one scenario many times). */
export interface SeedOptions {
  resourceGroup?: ResourceGroupRef;
  nameSuffix?: string;
}

/** One probe as the bench sees it: where it dialled, its verdict, when on the virtual clock. */
export interface ObservedProbe {
  address: string;
  port: number;
  verdict: RdpProbeResult['verdict'];
  atMs: number;
}

export interface SimHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
}

interface SimulatedVm {
  vmId: string;
  publicAddress: string;
  guestFault: GuestFault;
  guest: SimulatedWindowsGuest | null;
  /** One loopback endpoint per port the VM ever listened on (RDP can move to another port). */
  endpoints: Map<number, SimulatedRdpEndpoint>;
}

export const SIM_DEFAULT_SETTINGS: Record<string, string> = {
  REPAIR_ALLOWED_SCOPES: `/subscriptions/${SIM_SUBSCRIPTION_ID}/resourceGroups/${SIM_RESOURCE_GROUP}`,
  PROBE_SOURCE_ADDRESSES: SIM_APP_ADDRESS,
  // Loopback answers in microseconds; a short stage timeout keeps "silent" (dropped SYN) cases quick.
  RDP_PROBE_TIMEOUT_MS: '1500',
};

/** The stage timeouts of a baseline's probe: the same as the app's own in the simulation (RDP_PROBE_TIMEOUT_MS). */
const BASELINE_PROBE_TIMEOUTS = { connectTimeoutMs: 1500, confirmTimeoutMs: 1500, tlsTimeoutMs: 1500 } as const;

export class SimulatedRepairApp {
  readonly clock = new VirtualClock();
  readonly arm: SimulatedArm;
  /** What is on each disk (copies, snapshots, a rescue VM's attached copy, a swapped OS disk), following the ARM. */
  readonly diskContents: SimulatedDiskContents;
  readonly emulator: DurableHostEmulator;
  /** The Event Grid custom topic the watch publishes to (WATCH_EVENT_TOPIC_ENDPOINT = SIM_TOPIC_ENDPOINT). */
  readonly topic = new SimulatedEventGridTopic();
  /** The app's managed identity as the topic sees it. */
  readonly eventGridCredential = new SimulatedEventGridCredential();
  /** SIMULATED serial console (its ARM operations and its websocket gateway) and Key Vault with the login secrets. */
  readonly serialConsole: SimulatedSerialConsole;
  readonly keyVault = new SimulatedKeyVault();
  private readonly serialConsoleTimeouts: SacTimeouts;
  /** Every event and metric the app sent, across simulated worker restarts. */
  readonly telemetry = new RecordingTelemetry();
  readonly resourceGroup;
  private readonly vms = new Map<string, SimulatedVm>();
  private readonly createdGuests = new Set<string>();
  private readonly detach: Array<() => void> = [];
  private syncing: Promise<void> = Promise.resolve();
  /** The sync waiting for the running one to finish, if any; new requests join it. */
  private queuedSync: Promise<void> | undefined;
  /** The VMs the queued sync will bring up to date ('all': every VM). */
  private queuedKeys: Set<string> | 'all' = 'all';
  private syncRequests = 0;
  /** What the last completed sync had seen when it started. */
  private lastSync: { requests: number; nowMs: number } | undefined;
  private readonly syncErrors: Error[] = [];
  private readonly appAddress: string;
  private readonly endpointsOnDemand: boolean;
  private readonly settings: Record<string, string | undefined>;
  private unsubscribe: () => void = () => undefined;
  private readonly isolateModules: ModuleIsolation;
  private durableClientOverride: RepairClient | undefined;
  private readonly extraRegistrations: () => void;
  private readonly watchMonotonicMs: () => number;
  private readonly onProbe: (observed: ObservedProbe) => void;
  /** Which public address each loopback endpoint stands for, so an observed probe names the VM's address. */
  private readonly dialled = new Map<string, { address: string; port: number }>();

  private constructor(options: SimulatedAppOptions) {
    this.arm = new SimulatedArm({
      clock: this.clock,
      seed: 7,
      ...(options.throttling ? { throttling: options.throttling } : {}),
      ...(options.latency ? { latency: options.latency } : {}),
    });
    this.serialConsole = new SimulatedSerialConsole(this.arm);
    this.diskContents = new SimulatedDiskContents(this.arm);
    this.isolateModules = options.isolateModules ?? freshRequireCache;
    this.extraRegistrations = options.extraRegistrations ?? (() => undefined);
    this.watchMonotonicMs = options.watchMonotonicMs ?? (() => performance.now());
    this.onProbe = options.onProbe ?? (() => undefined);
    const faults = options.workerFaults;
    this.appAddress = options.appAddress ?? SIM_APP_ADDRESS;
    this.endpointsOnDemand = options.endpointsOnDemand ?? false;
    this.serialConsoleTimeouts = options.serialConsoleTimeouts ?? { promptMs: 2000, stepMs: 2000 };
    this.settings = { ...SIM_DEFAULT_SETTINGS, ...(options.settings ?? {}) };
    this.emulator = new DurableHostEmulator({
      registry: this.register(FIRST_WORKER_MODULES),
      clock: this.clock,
      executeActivitiesTwice: options.executeActivitiesTwice ?? false,
      // Always: restartApp() and the worker faults both load the app again through it.
      restartWorker: () => this.restartWorker(),
      ...(options.chargeShortArmOperations ? { activityVirtualLatencyMs: () => this.arm.takeEarlyCompletionDebtMs() } : {}),
      ...(faults
        ? {
            ...(faults.crashAfterActivity ? { crashAfterActivity: faults.crashAfterActivity } : {}),
            ...(faults.loseActivityResult ? { loseActivityResult: faults.loseActivityResult } : {}),
            ...(faults.lostResultRedeliveryMs !== undefined ? { lostResultRedeliveryMs: faults.lostResultRedeliveryMs } : {}),
          }
        : {}),
    });
    for (let i = 1; i < (options.instances ?? 1); i++) this.emulator.addWorker(this.restartWorker());
    this.resourceGroup = this.arm.world.addResourceGroup({
      subscriptionId: SIM_SUBSCRIPTION_ID,
      name: SIM_RESOURCE_GROUP,
      location: SIM_LOCATION,
    });
  }

  static async start(options: SimulatedAppOptions = {}): Promise<SimulatedRepairApp> {
    const app = new SimulatedRepairApp(options);
    app.unsubscribe = app.arm.onChange((change) => {
      // After the request that created it: attaching reads the world, which must not re-enter the handler.
      if (change.kind === 'resourceCreated' && change.resourceType === 'Microsoft.Compute/virtualMachines') {
        queueMicrotask(() => app.guestForCreatedVm(change.resourceId));
      }
      // A rule change reaches the VMs behind its NSG only (a fleet of 1,000 must not resync every VM per rule).
      const affected = change.kind === 'securityRule' ? app.vmsBehindNsg(change.nsgId) : vmsAffectedBy(change);
      if (app.endpointsOnDemand) return;
      if (affected === 'all' || affected.size > 0) void app.syncEndpoints(affected === 'all' ? undefined : affected);
    });
    return app;
  }

  /**
   * A VM the app created (an ephemeral rescue VM) gets a healthy simulated Windows guest of the build its image
   * names (the first part of the image version, e.g. 20348.2100.241210 -> 20348, as Windows Server image versions
   * start with the build). Like a configured rescue VM, it has Run Command and a disk bay, no RDP endpoint.
   */
  private guestForCreatedVm(vmId: string): void {
    const vm = this.arm.world.store.virtualMachines.get(vmId);
    if (vm?.osType !== 'Windows' || this.createdGuests.has(vm.id.toLowerCase())) return;
    this.createdGuests.add(vm.id.toLowerCase());
    const build = Number((vm.imageExactVersion ?? '').split('.')[0]);
    const windowsBuild = (WINDOWS_BUILDS as readonly number[]).includes(build) ? (build as WindowsBuild) : undefined;
    const guest = new SimulatedWindowsGuest(windowsBuild ? { windowsBuild } : {}, { nowMs: this.clock.nowMs() });
    this.detach.push(attachSimulatedGuest(this.arm, vm.id, guest));
    this.diskContents.addGuest(vm.id, guest);
  }

  /** The registrations of the worker now running (a new set after each simulated worker crash). */
  get registry(): FunctionRegistry {
    return this.emulator.currentRegistry;
  }

  /**
   * Registers one loaded copy of the app through its composition root, with this simulation's dependencies: the
   * same inputs for the first worker and every restarted one. Each app gets a registry of its own.
   */
  private register(modules: AppModules): FunctionRegistry {
    return registerFunctionApp(() => {
      modules.registerApp({
        api: { env: () => this.settings, now: () => this.clock.now(), client: () => this.durableClientOverride ?? this.emulator.client },
        activities: {
          arm: modules.createSimulatedArmClients(this.arm),
          probe: async (probeOptions) => this.observed(await modules.probeRdp(probeOptions), probeOptions.host, probeOptions.port),
          // Endpoints follow the simulated state; bring them up to date before choosing where to dial.
          dialTarget: async (address, port) => {
            await this.endpointsCurrent(this.vmsAt(address));
            return this.dialTarget(address, port);
          },
          now: () => this.clock.now(),
          blobFetch: this.arm.blobFetcher(),
          serialConsole: {
            ...modules.serialConsoleDeps(new SimulatedCredential(), { armHttpClient: this.arm, vaultHttpClient: this.keyVault }),
            retryDelayMs: 10,
            handshakeTimeoutMs: 2000,
            sacTimeouts: this.serialConsoleTimeouts,
          },
        },
        watch: {
          client: () => this.emulator.client,
          // No SDK retries here: a publish that fails is tried again at the next round, which the tests drive.
          sinkFor: (endpoint) =>
            eventGridSink(endpoint, { credential: this.eventGridCredential, httpClient: this.topic, retryOptions: { maxRetries: 0 } }),
          monotonicMs: () => this.watchMonotonicMs(),
        },
        telemetry: this.telemetry,
      });
      this.extraRegistrations();
    });
  }

  /** The seeded VMs (lower-case ids) with a NIC whose own NSG, or whose subnet's NSG, is `nsgId`. */
  private vmsBehindNsg(nsgId: string): Set<string> {
    const store = this.arm.world.store;
    const wanted = nsgId.toLowerCase();
    const behind = new Set<string>();
    for (const [vmKey, entry] of this.vms) {
      for (const nicId of store.virtualMachines.get(entry.vmId)?.nicIds ?? []) {
        const nic = store.networkInterfaces.get(nicId);
        const subnetNsg = nic ? store.subnets.get(nic.subnetId)?.nsgId : undefined;
        if (nic?.nsgId?.toLowerCase() === wanted || subnetNsg?.toLowerCase() === wanted) behind.add(vmKey);
      }
    }
    return behind;
  }

  /** The VMs whose public address this is (the endpoints a probe of it may reach). */
  private vmsAt(address: string): Set<string> {
    return new Set([...this.vms].filter(([, entry]) => entry.publicAddress === address).map(([key]) => key));
  }

  /** One RDP probe from this app's address, as the app's probe activity makes it (for the bench's baselines). */
  async probe(address: string, port: number): Promise<RdpProbeResult> {
    await this.syncEndpoints(this.vmsAt(address));
    const target = this.dialTarget(address, port);
    const result = await probeRdp({ host: target.host, port: target.port, now: () => this.clock.now(), ...BASELINE_PROBE_TIMEOUTS });
    return this.observed(result, target.host, target.port);
  }

  private observed(result: RdpProbeResult, host: string, port: number | undefined): RdpProbeResult {
    const where = this.dialled.get(`${host}:${port}`) ?? { address: host, port: port ?? 3389 };
    this.onProbe({ ...where, verdict: result.verdict, atMs: this.clock.nowMs() });
    return result;
  }

  /** Hands the app's handlers another durable client (e.g. one that fails), or the emulator's again with undefined. */
  useDurableClient(client: RepairClient | undefined): void {
    this.durableClientOverride = client;
  }

  /**
   * The app restarts (a deployment, a scale-in): a new worker loads it again; the task hub with its instances and
   * entities stays. Under jest, pass `isolateModules` to start().
   */
  restartApp(): void {
    this.emulator.restartWorker();
  }

  /** A new worker: the app loaded again in fresh modules and registered again; the old worker's memory is gone. */
  private restartWorker(): FunctionRegistry {
    let registry: FunctionRegistry | undefined;
    this.isolateModules(() => {
      registry = this.register(freshModules());
    });
    if (!registry) throw new Error('The module isolation did not run the worker load.');
    return registry;
  }

  /** Another resource group in the simulated subscription (the fleet bench spreads VMs over several). */
  addResourceGroup(name: string): ResourceGroupRef {
    return this.arm.world.addResourceGroup({ subscriptionId: SIM_SUBSCRIPTION_ID, name, location: SIM_LOCATION });
  }

  /**
   * Seeds one scenario's VM, puts a simulated Windows guest in it and gives it RDP endpoints. `nameSuffix` makes
   * the scenario's resource names unique, so one scenario can be seeded many times in a resource group (the
   * fleet bench): `vm-x` becomes `vm-x-<suffix>` and its rescue VM `vm-x-<suffix>-rescue`.
   */
  async addScenario(scenario: Scenario, options: SeedOptions = {}): Promise<SeededVm & { request: Record<string, unknown> }> {
    const seeded = this.seedScenario(scenario, options);
    if (seeded.serialConsole) await this.serialConsole.start();
    await this.syncEndpoints(new Set([seeded.vmId.toLowerCase()]));
    return seeded;
  }

  /** Seeds several scenarios, then brings the endpoints up once (a fleet of VMs without one sync per VM). */
  async addScenarios(scenarios: readonly Scenario[]): Promise<Array<SeededVm & { request: Record<string, unknown> }>> {
    const seeded = scenarios.map((s) => this.seedScenario(s));
    if (seeded.some((s) => s.serialConsole)) await this.serialConsole.start();
    await this.syncEndpoints();
    return seeded;
  }

  private seedScenario(scenario: Scenario, options: SeedOptions = {}): SeededVm & { request: Record<string, unknown> } {
    const world = options.nameSuffix ? withNameSuffix(this.arm.world, options.nameSuffix) : this.arm.world;
    const seeded = scenario.seed(world, options.resourceGroup ?? this.resourceGroup);
    // App settings the scenario needs (the serial console's vault): read by the next HTTP call, as in Azure.
    Object.assign(this.settings, scenario.settings ?? {});
    // The gateway's listener is started by the caller (addScenario), before the first repair can dial it.
    if (seeded.serialConsole) {
      this.serialConsole.addVm(seeded.vmId, seeded.serialConsole.console);
      if (seeded.serialConsole.secret) this.keyVault.setSecret(seeded.serialConsole.secret.name, seeded.serialConsole.secret.value);
    }
    const vm = this.arm.world.vms().find((v) => v.id.toLowerCase() === seeded.vmId.toLowerCase());
    const nic = vm?.nicIds[0] ? this.arm.world.nic(vm.nicIds[0]) : undefined;
    const publicAddress = nic?.publicIpId ? this.arm.world.publicIp(nic.publicIpId).ipAddress : undefined;
    if (vm && publicAddress) {
      let guest: SimulatedWindowsGuest | null = null;
      if (vm.osType === 'Windows') {
        guest = new SimulatedWindowsGuest(seeded.guest ?? {}, { nowMs: this.clock.nowMs() });
        this.detach.push(attachSimulatedGuest(this.arm, vm.id, guest));
        const key = vm.id.toLowerCase();
        if (!this.endpointsOnDemand) this.detach.push(guest.onChange(() => void this.syncEndpoints(new Set([key]))));
        this.diskContents.addGuest(vm.id, guest);
      }
      this.vms.set(vm.id.toLowerCase(), { vmId: vm.id, publicAddress, guestFault: seeded.guestFault, guest, endpoints: new Map() });
    }
    if (seeded.rescueVm) {
      // The rescue VM has no RDP endpoint of its own here: only its Run Command and its disks take part.
      const rescueGuest = new SimulatedWindowsGuest(seeded.rescueVm.guest ?? {}, { nowMs: this.clock.nowMs() });
      this.detach.push(attachSimulatedGuest(this.arm, seeded.rescueVm.vmId, rescueGuest));
      this.diskContents.addGuest(seeded.rescueVm.vmId, rescueGuest);
    }
    return { ...seeded, request: scenario.request(seeded.vmId) };
  }

  /**
   * Makes the endpoints behave as the simulated state says (on every ARM or guest change, and before each probe):
   * those of `vmKeys` (lower-case VM ids) only, or of every VM. One sync at a time (two overlapping ones could
   * open the same port twice); requests that arrive while one is queued and not yet started join it (it widens to
   * their VMs), since it reads the state as it is when it starts.
   */
  syncEndpoints(vmKeys?: ReadonlySet<string>): Promise<void> {
    this.syncRequests++;
    if (this.queuedSync) {
      if (this.queuedKeys !== 'all') {
        if (vmKeys) for (const k of vmKeys) this.queuedKeys.add(k);
        else this.queuedKeys = 'all';
      }
      return this.queuedSync;
    }
    this.queuedKeys = vmKeys ? new Set(vmKeys) : 'all';
    const queued = this.syncing
      .then(() => {
        const keys = this.queuedKeys;
        this.queuedSync = undefined;
        const seen = { requests: this.syncRequests, nowMs: this.clock.nowMs() };
        return this.syncAll(keys === 'all' ? undefined : keys).then(() => {
          this.lastSync = seen;
        });
      })
      .catch((err: unknown) => {
        // Kept, not swallowed: a simulation that cannot follow its own state must fail the test (at close()).
        this.syncErrors.push(err instanceof Error ? err : new Error(String(err)));
      });
    this.queuedSync = queued;
    this.syncing = queued;
    return queued;
  }

  /**
   * Before a probe: a sync only if something may have changed since the last one started (a change notification,
   * or the clock moved, which can expire a certificate); otherwise the endpoints are already current.
   */
  private async endpointsCurrent(vmKeys?: ReadonlySet<string>): Promise<void> {
    // On demand, changes are not followed as they happen: bring the probed VM's endpoints up to date every time.
    if (this.endpointsOnDemand) return this.syncEndpoints(vmKeys);
    const last = this.lastSync;
    if (last && !this.queuedSync && last.requests === this.syncRequests && last.nowMs === this.clock.nowMs()) {
      await this.syncing;
      return;
    }
    await this.syncEndpoints(vmKeys);
  }

  private async syncAll(vmKeys?: ReadonlySet<string>): Promise<void> {
    const entries = vmKeys ? [...vmKeys].flatMap((k) => this.vms.get(k) ?? []) : [...this.vms.values()];
    for (const entry of entries) {
      const vm = this.arm.world.vm(entry.vmId);
      const nicId = vm.nicIds[0];
      const listening = entry.guest ? guestPortBehaviours(entry.guest.read(), { nowMs: this.clock.nowMs() }) : [];
      const ports = new Set<number>([...listening.map((l) => l.port), ...entry.endpoints.keys()]);
      if (!entry.guest) ports.add(3389);
      for (const port of ports) {
        // The simulated network's own NSG evaluation, never the product's (a product bug must not be mirrored).
        const behaviour = endpointBehaviourFor({
          // A guest stopped at a bugcheck has no network stack: nothing answers the SYN (assumed, no RST from a halted
          // kernel). One hung applying updates is unknown: its ports refuse (no listener), the less hopeful reading.
          running: vm.powerState === 'running' && typeof entry.guest?.bootState !== 'object',
          booting: this.arm.world.guestBooting(vm),
          probeAdmitted: nicId ? admitsInbound(this.arm.world, nicId, { sourceAddress: this.appAddress, port }).admitted : false,
          openToWorld: nicId ? openToWorld(this.arm.world, nicId, port) : false,
          guestFault: entry.guestFault,
          guest: entry.guest ? (listening.find((l) => l.port === port)?.behaviour ?? 'refused') : 'healthy',
        });
        let endpoint = entry.endpoints.get(port);
        if (!endpoint) {
          endpoint = await startSimulatedRdpEndpoint(behaviour);
          entry.endpoints.set(port, endpoint);
        } else if (endpoint.behaviour() !== behaviour) {
          await endpoint.setBehaviour(behaviour);
        }
      }
    }
  }

  /** The simulated Windows guest of a seeded VM (tests change it as a person or a patch would), or null. */
  guestOf(vmId: string): SimulatedWindowsGuest | null {
    return this.vms.get(vmId.toLowerCase())?.guest ?? null;
  }

  injectArmFault(spec: FaultSpec): void {
    this.arm.faults.inject(spec);
  }

  /** App instance `index` (0 is the first) of a scaled-out app (`instances`). */
  instance(index: number): SimulatedAppInstance {
    const registry = this.emulator.workerRegistry(index);
    return {
      registry,
      http: (method, pathAndQuery, body, headers = {}) => this.httpOn(registry, method, pathAndQuery, body, headers),
      timer: (name, isPastDue = false) => this.timerOn(registry, name, isPastDue),
    };
  }

  /** Calls the real HTTP handler registered for this method and path, as the Functions host would. */
  http(method: string, pathAndQuery: string, body?: unknown, headers: Record<string, string> = {}): Promise<SimHttpResponse> {
    return this.httpOn(this.registry, method, pathAndQuery, body, headers);
  }

  private async httpOn(
    registry: FunctionRegistry,
    method: string,
    pathAndQuery: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<SimHttpResponse> {
    const url = new URL(pathAndQuery, 'https://rdp-autorepair.simulated');
    const route = url.pathname.replace(/^\/api\//, '');
    const match = registry.matchHttp(route, method);
    if (!match) return { status: 404, headers: {}, body: null };
    // Loaded after the stand-in is installed (loadFunctionApp above), as in the Functions host.
    const { HttpRequest } = await import('@azure/functions');
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const request = new HttpRequest({
      method,
      url: url.toString(),
      headers: { ...(text !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      query: Object.fromEntries(url.searchParams.entries()),
      params: match.params,
      ...(text !== undefined ? { body: { string: text } } : {}),
    });
    const context = createInvocationContext(match.fn);
    const response = (await match.fn.handler(request, context)) as {
      status?: number;
      headers?: Record<string, string>;
      jsonBody?: unknown;
      body?: unknown;
    };
    return { status: response.status ?? 200, headers: { ...(response.headers ?? {}) }, body: response.jsonBody ?? response.body ?? null };
  }

  /**
   * Fires the timer-triggered function registered as `name` once, as the Functions host does when its schedule
   * is due: the handler gets the host's Timer object (`isPastDue`, `scheduleStatus`) and an InvocationContext.
   * Tests and the demo call it instead of waiting for the schedule.
   */
  timer(name: string, isPastDue = false): Promise<FunctionLogEntry[]> {
    return this.timerOn(this.registry, name, isPastDue);
  }

  private async timerOn(registry: FunctionRegistry, name: string, isPastDue: boolean): Promise<FunctionLogEntry[]> {
    const fn = registry.getOrThrow(name);
    if (fn.trigger.type.toLowerCase() !== 'timertrigger')
      throw new Error(`Function "${name}" is not timer-triggered (${fn.trigger.type}).`);
    const now = new Date(this.clock.nowMs()).toISOString();
    const timer = { isPastDue, scheduleStatus: { last: now, next: now, lastUpdated: now } };
    const logs: FunctionLogEntry[] = [];
    await fn.handler(timer, createInvocationContext(fn, { logSink: (entry) => logs.push(entry) }));
    // The invocation's log lines, as Application Insights would keep them.
    return logs;
  }

  /** POST a repair, then drive the emulator and GET the status until the repair ends. */
  async runRepair(body: unknown, onStatus?: (status: any) => void): Promise<{ start: SimHttpResponse; status: any }> {
    const start = await this.http('POST', '/api/repairs', body);
    if (start.status !== 202) return { start, status: null };
    return { start, status: await this.followRepair(start.body.id, onStatus) };
  }

  /** Drives the emulator one step at a time and GETs the repair's status after each, until it ends. */
  async followRepair(id: string, onStatus?: (status: any) => void): Promise<any> {
    for (let steps = 0; steps < 5000; steps += 1) {
      const progressed = await this.emulator.step();
      const current = await this.http('GET', `/api/repairs/${encodeURIComponent(id)}`);
      onStatus?.(current.body);
      if (['Completed', 'Failed', 'Terminated'].includes(current.body.runtimeStatus)) return current.body;
      if (!progressed)
        throw new Error(`the repair stalled: the emulator has no work left (waiting on ${this.emulator.waitingOn(id).join(', ')})`);
    }
    throw new Error('the repair did not finish within 5000 emulator steps');
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.serialConsole.close();
    this.diskContents.stop();
    for (const undo of this.detach.splice(0)) undo();
    await this.syncing;
    await Promise.all([...this.vms.values()].flatMap((v) => [...v.endpoints.values()].map((e) => e.close())));
    this.vms.clear();
    if (this.syncErrors.length > 0) {
      throw new Error(`The simulated endpoints could not follow the simulated state: ${this.syncErrors.map((e) => e.message).join('; ')}`);
    }
  }

  private dialTarget(address: string, port: number): { host: string; port: number } {
    for (const entry of this.vms.values()) {
      const endpoint = entry.publicAddress === address ? entry.endpoints.get(port) : undefined;
      if (endpoint) {
        this.dialled.set(`${endpoint.host}:${endpoint.port}`, { address, port });
        return { host: endpoint.host, port: endpoint.port };
      }
    }
    // An address with no simulated VM behind it: a port nothing listens on, so the probe says unreachable.
    return { host: '127.0.0.1', port: 9 };
  }
}

/** Which VMs' endpoints a change of the simulated ARM can affect: its VM, every VM (network changes), or none. */
function vmsAffectedBy(change: ArmChange): ReadonlySet<string> | 'all' {
  switch (change.kind) {
    case 'powerState':
    case 'agentStatus':
    case 'osDisk':
    case 'dataDisks':
    case 'runCommand':
      return new Set([change.vmId.toLowerCase()]);
    case 'securityRule':
      return 'all'; // narrowed to the NSG's VMs by the subscriber (vmsBehindNsg)
    case 'resourceCreated':
    case 'resourceDeleted':
      return /Microsoft\.Network\//i.test(change.resourceType) ? 'all' : new Set();
    case 'snapshotCompleted':
    case 'tags':
      return new Set();
  }
}

/** The world, with every resource name a scenario gives made unique by `suffix` (before a `-rescue` ending). */
function withNameSuffix(world: SimulatedArm['world'], suffix: string): SimulatedArm['world'] {
  const rename = (name: string): string => name.replace(/(-rescue)?$/, `-${suffix}$1`);
  return new Proxy(world, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'addVmWithNetwork' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (options: { name: string }) => value.call(target, { ...options, name: rename(options.name) });
    },
  });
}
