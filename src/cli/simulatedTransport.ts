/**
 * SIMULATED: the transport to the built-in simulator (src/simulator/simulatedRepairApp.ts): the app's real HTTP
 * handlers and orchestrator on simulated Azure, in this process, on a virtual clock. Nothing real is touched.
 * The simulation lives as long as the command, so `--simulated` seeds one scenario's VM for `start`; --follow
 * moves the simulation one durable step per poll instead of sleeping.
 */
import { SCENARIOS, findScenario } from '../simulator/scenarios/catalog';
import { simulatedSecureContext } from '../simulator/rdpEndpointCertificates';
import { SimulatedRepairApp } from '../simulator/simulatedRepairApp';
import { CliError } from './cliError';
import { EXIT } from './exitCodes';
import type { Transport } from './transport';

export const DEFAULT_SIMULATED_SCENARIO = 'nsg-open-to-world';

export interface SimulatedSession {
  transport: Transport;
  /** The seeded VM's ARM id. */
  vmId: string;
  /** The scenario's own request body (allowed source ranges and the like), which CLI flags may override. */
  request: Record<string, unknown>;
  scenario: string;
}

export function scenarioList(): Array<{ name: string; expectedOutcome: string; title: string }> {
  return SCENARIOS.map((s) => ({ name: s.name, expectedOutcome: s.expectedOutcome, title: s.title }));
}

/** A transport over an already running simulated app (also used by the loopback server of `simulate`). */
export function transportFor(app: SimulatedRepairApp, closeApp: boolean): Transport {
  return {
    target: 'the SIMULATED app (in process)',
    async send(method, path, body) {
      const response = await app.http(method, path, body, { accept: 'application/json' });
      return { status: response.status, body: response.body ?? null, json: true };
    },
    async pause() {
      if (!(await app.emulator.step())) {
        const waiting = app.emulator.instanceIds().flatMap((id) => app.emulator.waitingOn(id));
        throw new CliError(`the simulated repair stalled (waiting on ${waiting.join(', ') || 'nothing'})`, EXIT.appError, 'Stalled');
      }
    },
    now: () => app.clock.nowMs(),
    close: async () => {
      if (closeApp) await app.close();
    },
  };
}

/**
 * The simulated RDP endpoints need the simulator's certificate files, which only a clone has (the deployment zip
 * carries the compiled code, not src/simulator/certs): say so before anything starts, not in a crash mid-repair.
 */
export function requireSimulatorFiles(): void {
  try {
    simulatedSecureContext('valid');
  } catch {
    throw new CliError(
      "the simulator's files (src/simulator/certs) are not in this copy, e.g. the deployment zip; " +
        'run --simulated from a clone of the repository',
      EXIT.usage,
      'SimulatorMissing',
    );
  }
}

export async function startSimulatedSession(scenarioName: string): Promise<SimulatedSession> {
  const scenario = findScenario(scenarioName);
  if (!scenario) {
    throw new CliError(
      `no simulated scenario is named '${scenarioName}'; \`rdp-autorepair scenarios\` lists them: ${SCENARIOS.map((s) => s.name).join(', ')}`,
      EXIT.usage,
      'UnknownScenario',
    );
  }
  requireSimulatorFiles();
  const app = await SimulatedRepairApp.start();
  try {
    const seeded = await app.addScenario(scenario);
    return { transport: transportFor(app, true), vmId: seeded.vmId, request: seeded.request, scenario: scenario.name };
  } catch (err) {
    await app.close();
    throw err;
  }
}
