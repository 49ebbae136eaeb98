/**
 * SIMULATED: `rdp-autorepair simulate`: the simulator with one seeded scenario behind a loopback HTTP server
 * (simulatedServer.ts), until the operator stops it, so start, status, approve, reject, cancel and list can all be
 * tried with --url. Nothing real is touched; the simulation's clock is virtual and moves as statuses are polled.
 */
import { findScenario, SCENARIOS } from '../simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../simulator/simulatedRepairApp';
import { CliError } from './cliError';
import { EXIT } from './exitCodes';
import type { CliIo } from './program';
import { startSimulatedServer } from './simulatedServer';
import { requireSimulatorFiles } from './simulatedTransport';

export async function runSimulation(scenarioName: string, port: number, io: CliIo): Promise<void> {
  const scenario = findScenario(scenarioName);
  if (!scenario) {
    throw new CliError(
      `no simulated scenario is named '${scenarioName}'; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`,
      EXIT.usage,
    );
  }
  requireSimulatorFiles();
  const app = await SimulatedRepairApp.start();
  try {
    const seeded = await app.addScenario(scenario);
    const server = await startSimulatedServer(app, { port });
    try {
      const sources = Array.isArray(seeded.request.allowedSourceCidrs) ? (seeded.request.allowedSourceCidrs as string[]) : [];
      const allow = sources.map((c) => ` --allow-source ${c}`).join('');
      io.out(
        [
          `SIMULATED app on ${server.url} (scenario ${scenario.name}: ${scenario.title}); no Azure resource is touched.`,
          `  VM: ${seeded.vmId}`,
          `  try: rdp-autorepair --url ${server.url} start '${seeded.vmId}'${allow} --approval beforeDisruptive --follow --interval 1`,
          'Ctrl-C stops it.',
          '',
        ].join('\n'),
      );
      await io.untilInterrupted();
    } finally {
      await server.close();
    }
  } finally {
    await app.close();
  }
}
