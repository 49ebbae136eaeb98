/**
 * One session through the real clients: @azure/arm-serialconsole on the simulated ARM, Key Vault's SecretClient on
 * the simulated vault, the `ws` client against the simulated gateway on 127.0.0.1.
 */
import { serialConsoleDeps } from '../../../src/activities/deps';
import type { SerialConsoleSessionInput } from '../../../src/domain/serialConsole';
import { openGatewaySocket } from '../../../src/guest/serialConsole/gatewaySocket';
import { runSerialConsoleSession, type SerialConsoleDeps } from '../../../src/guest/serialConsole/serialConsoleSession';
import { SimulatedCredential, SimulatedArm } from '../../../src/simulator/arm';
import { SimulatedKeyVault, SIMULATED_VAULT_URI } from '../../../src/simulator/keyVault/simulatedKeyVault';
import { stoppedAgentServices } from '../../../src/simulator/serialConsole/agentServices';
import { SimulatedSerialConsole } from '../../../src/simulator/serialConsole/simulatedSerialConsole';

const SUB = '5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11';
const credentials = { username: 'rdpadmin', password: 'Only-In-The-Vault-1' };

async function world() {
  const arm = new SimulatedArm();
  const rg = arm.world.addResourceGroup({ subscriptionId: SUB, name: 'rg1', location: 'westeurope' });
  const vmId = arm.world.addVmWithNetwork({
    osType: 'Windows',
    generation: 'V2',
    powerState: 'running',
    agentStatus: 'NotReady',
    resourceGroup: rg,
    name: 'vm1',
  }).vm.id;
  const console = new SimulatedSerialConsole(arm);
  await console.start();
  console.addVm(vmId, { sac: true, credentials, services: stoppedAgentServices() });
  const vault = new SimulatedKeyVault();
  vault.setSecret('vm1-login', JSON.stringify(credentials));
  const deps: SerialConsoleDeps = {
    ...serialConsoleDeps(new SimulatedCredential(), { armHttpClient: arm, vaultHttpClient: vault }),
    retryDelayMs: 5,
    handshakeTimeoutMs: 1000,
    sacTimeouts: { promptMs: 500, stepMs: 500 },
  };
  const input: SerialConsoleSessionInput = { vmId, keyVaultUri: SIMULATED_VAULT_URI, secretName: 'vm1-login' };
  return { arm, console, vault, deps, input, vmId };
}

describe('serial console session', () => {
  it('connects with api-version 2024-07-01, logs in, starts the agent, and closes the socket', async () => {
    const w = await world();
    try {
      const result = await runSerialConsoleSession(w.input, w.deps);
      expect(result).toMatchObject({ ok: true, attempts: 1 });
      expect(w.arm.world.vm(w.vmId).agentStatus).toBe('Ready');
      const connect = w.arm.requests().filter((r) => r.operation === 'serialPorts.connect');
      expect(connect).toHaveLength(1);
      expect(connect[0]?.status).toBe(200);
      // The gateway has no session left open.
      expect(w.console.openSessions()).toBe(0);
      expect(JSON.stringify(result)).not.toContain(credentials.password);
    } finally {
      await w.console.close();
    }
  });

  it('runs one session per VM at a time: a second waits instead of kicking the first', async () => {
    const w = await world();
    try {
      const [a, b] = await Promise.all([runSerialConsoleSession(w.input, w.deps), runSerialConsoleSession(w.input, w.deps)]);
      expect(a.ok && b.ok).toBe(true);
      expect(w.console.events.filter((e) => e.includes('kicked'))).toEqual([]);
    } finally {
      await w.console.close();
    }
  });

  it('a missing secret ends before any connect', async () => {
    const w = await world();
    try {
      const result = await runSerialConsoleSession({ ...w.input, secretName: 'no-such-login' }, w.deps);
      expect(result).toMatchObject({ ok: false, failure: 'secretUnavailable' });
      if (!result.ok) expect(result.detail).toContain('SecretNotFound');
      expect(w.arm.requests().filter((r) => r.operation === 'serialPorts.connect')).toHaveLength(0);
    } finally {
      await w.console.close();
    }
  });

  it('refusals are retried a bounded number of times, then named', async () => {
    const w = await world();
    try {
      w.console.injectFault(w.vmId, { kind: 'refuse', times: 10 });
      const started = Date.now();
      const result = await runSerialConsoleSession(w.input, { ...w.deps, connectAttempts: 3 });
      expect(result).toMatchObject({ ok: false, failure: 'refused', attempts: 3 });
      expect(w.arm.requests().filter((r) => r.operation === 'serialPorts.connect')).toHaveLength(3);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await w.console.close();
    }
  });
});

describe('gateway websocket', () => {
  it('sends the token only to wss://, or ws:// on loopback', async () => {
    const opened = await openGatewaySocket('ws://gateway.example.com/n/connector/a/sessions/b/client', 'token', 500);
    expect(opened).toMatchObject({ ok: false, refused: false });
    if (!opened.ok) expect(opened.detail).toContain('not wss://');
  });
});
