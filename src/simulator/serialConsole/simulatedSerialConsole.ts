/**
 * SIMULATED: Azure's serial console for the simulated VMs: the Microsoft.SerialConsole operations inside the
 * simulated ARM, and the gateway, a websocket server on 127.0.0.1 (random port, stopped by close()).
 *  - GET /subscriptions/{s}/providers/Microsoft.SerialConsole/consoleServices/default -> `{properties: {disabled}}`
 *    (azure-rest-api-specs serialconsole stable/2018-05-01 example SerialConsoleStatus.json);
 *  - POST .../virtualMachines/{vm}/providers/Microsoft.SerialConsole/serialPorts/{port}/connect ->
 *    `{connectionString}` (example SerialPortConnectVM.json, 2024-07-01); a ReadOnly lock answers 409 ScopeLocked
 *    (Microsoft docs, "Lock your resources": POST is blocked by ReadOnly); a disabled subscription and a VM that is
 *    not running answer 409 (codes inferred: not documented);
 *  - the gateway accepts a websocket on the connection string's path with the ARM token in `authorization` (as the
 *    Azure CLI extension sends it; anything else is 401 on the upgrade), one session per VM: a new one ends the
 *    old (Microsoft's serial console doc). The console behind it is SAC (sacModel.ts) when the VM runs it, a silent
 *    port when it does not. Nothing is sent on connect (pessimistic: the portal shows the last screen, a client
 *    must not count on it).
 * Faults: refused upgrades (close 1011 "Connection not trusted", as public automation reports), a session kicked
 * by another after the login, a hung prompt (SAC stops answering after `cmd`), line noise instead of text.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { SIMULATED_TOKEN } from '../arm/credential';
import { ArmHttpError } from '../arm/http/armErrors';
import type { Route } from '../arm/http/router';
import type { SimulatedArm } from '../arm/simulatedArm';
import { type AgentServices, agentReady } from './agentServices';
import { SacConsole } from './sacModel';

export interface SerialConsoleVmSpec {
  /** SAC runs on the serial port (Windows Server images since 2018); false: the port stays silent. */
  sac: boolean;
  /** The VM's local account as Windows knows it (what a correct Key Vault secret holds). */
  credentials: { username: string; password: string };
  services: AgentServices;
  build?: string;
  /** A ReadOnly lock on the VM. */
  readOnlyLock?: boolean;
}

export type GatewayFault = { kind: 'refuse'; times: number } | { kind: 'kickAfterLogin' } | { kind: 'hang' } | { kind: 'garbage' };

interface VmConsole {
  vmId: string;
  spec: SerialConsoleVmSpec;
  faults: GatewayFault[];
  active: WebSocket | null;
  /** Everything the console showed, as the boot diagnostics serial log would keep it. */
  transcript: string;
}

const VM_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{vmName}' +
  '/providers/Microsoft.SerialConsole/serialPorts/{serialPort}/connect';

export class SimulatedSerialConsole {
  private server: WebSocketServer | null = null;
  private readonly consoles = new Map<string, VmConsole>();
  private readonly pending = new Map<string, string>();
  private readonly disabled = new Set<string>();
  /** Connects the gateway was asked for, and what it did with each websocket (for tests). */
  readonly events: string[] = [];

  constructor(private readonly arm: SimulatedArm) {
    arm.addRoutes(this.routes());
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (info, done) => {
        const url = new URL(info.req.url ?? '/', 'ws://127.0.0.1');
        const known = this.pending.has(url.pathname);
        const token = url.searchParams.get('authorization') === SIMULATED_TOKEN;
        done(known && token, known ? 401 : 404);
      },
    });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    server.on('connection', (socket, request) => this.connected(socket, new URL(request.url ?? '/', 'ws://127.0.0.1').pathname));
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addVm(vmId: string, spec: SerialConsoleVmSpec): void {
    this.consoles.set(vmId.toLowerCase(), { vmId, spec, faults: [], active: null, transcript: '' });
  }

  /** Changes a VM's console model (SAC off, a lock added) before a test's repair starts. */
  updateVm(vmId: string, change: Partial<SerialConsoleVmSpec>): void {
    Object.assign(this.console(vmId).spec, change);
  }

  disableForSubscription(subscriptionId: string): void {
    this.disabled.add(subscriptionId.toLowerCase());
  }

  injectFault(vmId: string, fault: GatewayFault): void {
    this.console(vmId).faults.push(fault);
  }

  /** Websockets the gateway still holds open (a client that always closes leaves none). */
  openSessions(): number {
    return [...(this.server?.clients ?? [])].filter((c) => c.readyState === c.OPEN).length;
  }

  transcript(vmId: string): string {
    return this.console(vmId).transcript;
  }

  services(vmId: string): AgentServices {
    return this.console(vmId).spec.services;
  }

  private console(vmId: string): VmConsole {
    const found = this.consoles.get(vmId.toLowerCase());
    if (!found) throw new Error(`SIMULATED serial console: no console for ${vmId}`);
    return found;
  }

  private routes(): Route[] {
    return [
      {
        method: 'GET',
        path: '/subscriptions/{subscriptionId}/providers/Microsoft.SerialConsole/consoleServices/{default}',
        operation: 'serialConsole.getConsoleStatus',
        kind: 'read',
        permission: 'Microsoft.SerialConsole/consoleServices/read',
        handle: (context) => ({
          status: 200,
          body: { properties: { disabled: this.disabled.has((context.params.subscriptionId ?? '').toLowerCase()) } },
        }),
      },
      {
        method: 'POST',
        path: VM_PATH,
        operation: 'serialPorts.connect',
        kind: 'read',
        permission: 'Microsoft.SerialConsole/serialPorts/connect/action',
        handle: (context) => {
          const id =
            `/subscriptions/${context.params.subscriptionId}/resourceGroups/${context.params.resourceGroup}` +
            `/providers/Microsoft.Compute/virtualMachines/${context.params.vmName}`;
          const vm = this.arm.world.vms().find((v) => v.id.toLowerCase() === id.toLowerCase());
          if (!vm)
            throw new ArmHttpError(
              404,
              'ResourceNotFound',
              `The Resource 'Microsoft.Compute/virtualMachines/${context.params.vmName}' was not found.`,
            );
          const entry = this.consoles.get(vm.id.toLowerCase());
          if (entry?.spec.readOnlyLock) {
            throw new ArmHttpError(
              409,
              'ScopeLocked',
              `The scope '${vm.id}' cannot perform write operation because following scope(s) are locked: '${vm.id}'. ` +
                'Please remove the lock and try again.',
            );
          }
          if (this.disabled.has(vm.subscriptionId.toLowerCase())) {
            throw new ArmHttpError(409, 'SerialConsoleDisabled', 'SIMULATED: the serial console is disabled for this subscription.');
          }
          if (vm.powerState !== 'running') throw new ArmHttpError(409, 'VmNotRunning', 'SIMULATED: the VM is not running.');
          if (!this.server) throw new ArmHttpError(503, 'ServiceUnavailable', 'SIMULATED: the serial console gateway is not started.');
          const path = `/n/connector/${randomUUID()}/sessions/${randomUUID()}/client`;
          this.pending.set(path, vm.id);
          const port = (this.server.address() as AddressInfo).port;
          this.events.push(`connect ${vm.name}`);
          return { status: 200, body: { connectionString: `ws://127.0.0.1:${port}${path}` } };
        },
      },
    ];
  }

  private connected(socket: WebSocket, path: string): void {
    const vmId = this.pending.get(path);
    this.pending.delete(path);
    const entry = vmId ? this.consoles.get(vmId.toLowerCase()) : undefined;
    if (!entry) {
      // A VM with no console model: the port is there but nothing answers on it.
      socket.on('message', () => undefined);
      return;
    }
    const refuse = entry.faults.find((f): f is Extract<GatewayFault, { kind: 'refuse' }> => f.kind === 'refuse' && f.times > 0);
    if (refuse) {
      refuse.times -= 1;
      this.events.push('refused');
      socket.close(1011, 'Connection not trusted');
      return;
    }
    // A session whose close handshake has begun is over; only an open one is taken over.
    if (entry.active && entry.active.readyState === entry.active.OPEN) {
      this.events.push('kicked the earlier session');
      entry.active.close(1000);
    }
    entry.active = socket;
    socket.on('close', () => {
      if (entry.active === socket) entry.active = null;
    });
    const take = (kind: GatewayFault['kind']): boolean => {
      const at = entry.faults.findIndex((f) => f.kind === kind);
      if (at < 0) return false;
      entry.faults.splice(at, 1);
      return true;
    };
    const garbage = take('garbage');
    const kick = take('kickAfterLogin');
    const hang = take('hang');
    const send = (text: string): void => {
      entry.transcript += text;
      if (socket.readyState === socket.OPEN) socket.send(Buffer.from(text, 'utf8'));
    };
    if (garbage) {
      let seed = 7;
      socket.on('message', () => {
        const noise = Buffer.alloc(96);
        for (let i = 0; i < noise.length; i += 1) {
          seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
          noise[i] = (seed >>> 16) & 0xff;
        }
        if (socket.readyState === socket.OPEN) socket.send(noise);
      });
      return;
    }
    if (!entry.spec.sac) {
      socket.on('message', () => undefined);
      return;
    }
    const sac = new SacConsole(
      {
        services: entry.spec.services,
        credentials: entry.spec.credentials,
        build: entry.spec.build ?? '10.0.20348.2849',
        changed: () => {
          if (agentReady(entry.spec.services)) this.arm.world.setAgentHealth(entry.vmId, 'Ready');
        },
      },
      (text) => {
        send(text);
        if (kick && text.includes('C:\\Windows\\system32>') && socket.readyState === socket.OPEN) {
          this.events.push('kicked by another session');
          socket.close(1000);
        }
      },
      hang ? { hangAfter: 'cmd' } : {},
    );
    socket.on('message', (data) => {
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      sac.type(text);
    });
  }
}
