/** The app's registrations as the Functions host would receive them (captured by the functions-core stand-in). */
import { CLEANUP_SWEEP_FUNCTION, registerCleanupTimer } from '../../src/functions/cleanupTimer';
import { registerRepairActivities } from '../../src/functions/repairActivities';
import { registerRepairOrchestrator } from '../../src/functions/repairOrchestrator';
import { registerRepairsHttp } from '../../src/functions/repairsHttp';
import { registerFunctionApp } from '../../src/simulator/functionsHost';
import { RecordingTelemetry } from '../../src/simulator/recordingTelemetry';
import { unusedApiDependencies, unusedActivityDeps } from '../support/unusedDependencies';
import { ACTIVITY_NAMES } from '../../src/domain/activityContracts';
import { CLEANUP_ORCHESTRATOR, OFFLINE_REPAIR_ORCHESTRATOR, REPAIR_ORCHESTRATOR } from '../../src/orchestration/names';

const registry = registerFunctionApp(() => {
  registerRepairsHttp(unusedApiDependencies);
  registerRepairOrchestrator(new RecordingTelemetry());
  registerRepairActivities(unusedActivityDeps);
});

function bindingTypes(name: string): string[] {
  return Object.values(registry.getOrThrow(name).metadata.bindings)
    .map((b) => `${b.type}:${b.direction}`)
    .sort();
}

describe('function registrations', () => {
  it.each([
    ['startRepair', 'repairs', ['POST']],
    ['getRepair', 'repairs/{id}', ['GET']],
    ['findRepair', 'repairs', ['GET']],
    ['approveRepair', 'repairs/{id}/approve', ['POST']],
    ['rejectRepair', 'repairs/{id}/reject', ['POST']],
    ['cancelRepair', 'repairs/{id}/cancel', ['POST']],
    ['cleanupRepair', 'repairs/{id}/cleanup', ['POST']],
    ['getRepairCleanup', 'repairs/{id}/cleanup', ['GET']],
  ])('%s is an HTTP trigger on %s %j with function auth and a durable client input', (name, route, methods) => {
    const fn = registry.getOrThrow(name);
    expect(fn.trigger.type).toBe('httpTrigger');
    expect(fn.trigger.route).toBe(route);
    expect(fn.trigger.methods).toEqual(methods);
    expect(fn.trigger.authLevel).toBe('function');
    expect(bindingTypes(name)).toEqual(['durableClient:in', 'http:out', 'httpTrigger:in']);
  });

  it('routes requests to the right function', () => {
    expect(registry.matchHttp('repairs', 'POST')?.fn.name).toBe('startRepair');
    expect(registry.matchHttp('repairs', 'GET')?.fn.name).toBe('findRepair');
    expect(registry.matchHttp('repairs/rdprepair-x-0123456789abcdef', 'GET')?.params).toEqual({ id: 'rdprepair-x-0123456789abcdef' });
    expect(registry.matchHttp('repairs', 'DELETE')).toBeUndefined();
    expect(registry.matchHttp('repairs/rdprepair-x-0123456789abcdef/cancel', 'POST')?.fn.name).toBe('cancelRepair');
  });

  it('registers the orchestrator and every activity it calls', () => {
    expect(registry.getOrThrow(REPAIR_ORCHESTRATOR).trigger.type).toBe('orchestrationTrigger');
    for (const name of ACTIVITY_NAMES) expect(registry.getOrThrow(name).trigger.type).toBe('activityTrigger');
    const names = registry
      .all()
      .map((f) => f.name)
      .sort();
    expect(names).toEqual(
      [
        ...ACTIVITY_NAMES,
        REPAIR_ORCHESTRATOR,
        OFFLINE_REPAIR_ORCHESTRATOR,
        CLEANUP_ORCHESTRATOR,
        'findRepair',
        'getRepair',
        'startRepair',
        'approveRepair',
        'rejectRepair',
        'cancelRepair',
        'cleanupRepair',
        'getRepairCleanup',
      ].sort(),
    );
  });

  it('registers the cleanup sweeper as an hourly timer with a durable client input', () => {
    const timers = registerFunctionApp(() => registerCleanupTimer(unusedApiDependencies));
    const fn = timers.getOrThrow(CLEANUP_SWEEP_FUNCTION);
    expect(fn.trigger.type).toBe('timerTrigger');
    expect(fn.trigger.schedule).toBe('0 17 * * * *');
  });
});
