/**
 * SIMULATED (bench only): how a baseline drives the simulated Azure by hand, on the virtual clock, the way an
 * operator or a CLI does: one call after the other, each long-running operation polled at the Retry-After the
 * provider sends, nothing in parallel. It uses the real SDK clients and the real Run Command channel, never the
 * product's activities or decisions, so a baseline can only be as clever as the procedure it follows.
 */
import type { ArmClients } from '../../azure/clients';
import { parseResourceId, ResourceTypes } from '../../azure/resourceId';
import type { GuestScriptName, GuestScripts } from '../../domain/guestScriptContracts';
import type { RdpProbeResult } from '../../domain/rdpProbe';
import { readGuestScript, startGuestScript } from '../../guest/runCommandChannel';
import { loadGuestScript } from '../../guest/scriptCatalog';
import { toRunCommandParameters } from '../../guest/scriptParameters';
import { parseGuestResult } from '../../guest/scriptResults';
import { createSimulatedArmClients } from '../arm';
import { RETRY_AFTER } from '../latencyModel';
import type { SimulatedRepairApp } from '../simulatedRepairApp';

/** A long-running operation's poller as the SDK returns it (the subset a hand-driven wait needs). */
interface Poller {
  readonly isDone: boolean;
  readonly operationState: { status: string; error?: Error } | undefined;
  submitted(): Promise<void>;
  poll(): Promise<unknown>;
}

/** Everything one baseline run did, counted the same way the bench counts the app's run. */
export interface DriverCounts {
  restarts: number;
  runCommands: number;
}

/** A step the baseline could not take (ARM refused, a script failed): the baseline stops there and says so. */
export class BaselineStepFailed extends Error {}

/** The poll interval a CLI honouring Retry-After uses: what the compute provider sends (latencyModel). */
const POLL_MS = RETRY_AFTER.compute.ms;
/** A bound on any one wait, far above every figure in the latency model, so a stuck baseline ends. */
const MAX_WAIT_MS = 60 * 60_000;

export class ArmDriver {
  readonly arm: ArmClients;
  readonly counts: DriverCounts = { restarts: 0, runCommands: 0 };
  private runSeq = 0;

  constructor(
    readonly app: SimulatedRepairApp,
    private readonly label: string,
  ) {
    this.arm = createSimulatedArmClients(app.arm);
  }

  nowMs(): number {
    return this.app.clock.nowMs();
  }

  compute(resourceId: string) {
    return this.arm.compute(parseResourceId(resourceId).subscriptionId);
  }

  network(resourceId: string) {
    return this.arm.network(parseResourceId(resourceId).subscriptionId);
  }

  /** Submits, then polls every POLL_MS of virtual time until the operation ends; throws if it failed. */
  async untilDone(what: string, poller: Poller): Promise<void> {
    await poller.submitted();
    const deadline = this.nowMs() + MAX_WAIT_MS;
    while (!poller.isDone) {
      if (this.nowMs() > deadline) throw new BaselineStepFailed(`${what}: still running after ${MAX_WAIT_MS / 60_000} minutes`);
      this.app.clock.advanceBy(POLL_MS);
      await poller.poll();
    }
    // A short operation a poll completed early still takes its time: the operator waits it out too.
    this.app.clock.advanceBy(this.app.arm.takeEarlyCompletionDebtMs());
    const state = poller.operationState;
    if (state && state.status !== 'succeeded') throw new BaselineStepFailed(`${what}: ${state.error?.message ?? state.status}`);
  }

  /** Waits (polling the instance view) until the VM's guest agent reports Ready, or gives up after `maxMs`. */
  async untilAgentReady(vmId: string, maxMs: number): Promise<boolean> {
    const vm = parseResourceId(vmId, ResourceTypes.virtualMachine);
    const deadline = this.nowMs() + maxMs;
    for (;;) {
      const view = await this.compute(vmId).virtualMachines.instanceView(vm.resourceGroup, vm.name);
      if (view.vmAgent?.statuses?.some((s) => (s.displayStatus ?? '').replace(/\s+/g, '').toLowerCase() === 'ready')) return true;
      if (this.nowMs() >= deadline) return false;
      this.app.clock.advanceBy(POLL_MS);
    }
  }

  /**
   * After a restart or start: probes every POLL_MS until RDP answers healthy or the agent is Ready (the guest is
   * up, so the verdict is final), as an operator retrying mstsc would. Returns the last verdict.
   */
  async probeAfterBoot(vmId: string, address: string, port: number, maxMs: number): Promise<RdpProbeResult> {
    const deadline = this.nowMs() + maxMs;
    for (;;) {
      const probe = await this.probe(address, port);
      if (probe.verdict === 'healthy' || this.nowMs() >= deadline) return probe;
      if (await this.untilAgentReady(vmId, 0)) return this.probe(address, port);
      this.app.clock.advanceBy(POLL_MS);
    }
  }

  async restart(vmId: string): Promise<void> {
    const vm = parseResourceId(vmId, ResourceTypes.virtualMachine);
    this.counts.restarts += 1;
    await this.untilDone('restart', this.compute(vmId).virtualMachines.restart(vm.resourceGroup, vm.name, { updateIntervalInMs: 1 }));
  }

  async deallocate(vmId: string): Promise<void> {
    const vm = parseResourceId(vmId, ResourceTypes.virtualMachine);
    await this.untilDone('deallocate', this.compute(vmId).virtualMachines.deallocate(vm.resourceGroup, vm.name, { updateIntervalInMs: 1 }));
  }

  async start(vmId: string): Promise<void> {
    const vm = parseResourceId(vmId, ResourceTypes.virtualMachine);
    await this.untilDone('start', this.compute(vmId).virtualMachines.start(vm.resourceGroup, vm.name, { updateIntervalInMs: 1 }));
  }

  /** Runs one of the product's guest scripts through the real Run Command channel and waits for its result. */
  async runScript<N extends GuestScriptName>(
    vmId: string,
    script: N,
    params: GuestScripts[N]['params'],
  ): Promise<GuestScripts[N]['result']> {
    this.runSeq += 1;
    const runName = `${this.label}-${script}-${this.runSeq}`;
    this.counts.runCommands += 1;
    await startGuestScript(this.arm, vmId, {
      runName,
      script: loadGuestScript(script),
      parameters: toRunCommandParameters(script, params),
      timeoutSeconds: 600,
      submittedAt: this.app.clock.now(),
    });
    const deadline = this.nowMs() + MAX_WAIT_MS;
    for (;;) {
      this.app.clock.advanceBy(POLL_MS);
      const state = await readGuestScript(this.arm, vmId, runName);
      if (state.kind === 'pending' || state.kind === 'running') {
        if (this.nowMs() > deadline) throw new BaselineStepFailed(`${script}: no result after ${MAX_WAIT_MS / 60_000} minutes`);
        continue;
      }
      if (state.kind !== 'succeeded') throw new BaselineStepFailed(`${script}: ${state.kind}`);
      const parsed = parseGuestResult(script, state.stdout);
      if (!parsed.ok) throw new BaselineStepFailed(`${script}: unreadable result (${parsed.reason})`);
      return parsed.result;
    }
  }

  /** The app's own probe, from the app's address, at the VM's public address. */
  probe(address: string, port: number): Promise<RdpProbeResult> {
    return this.app.probe(address, port);
  }
}
