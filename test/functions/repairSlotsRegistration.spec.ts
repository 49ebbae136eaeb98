/** The repair gate's registrations: the entity, the notify activity with its durable client, the 5-minute sweeper. */
import { REPAIR_SLOT_SWEEP_FUNCTION, registerRepairSlots } from '../../src/functions/repairSlots';
import { NOTIFY_REPAIR_SLOT_GRANTED, REPAIR_SLOTS_ENTITY } from '../../src/domain/repairSlots';
import { registerFunctionApp } from '../../src/simulator/functionsHost';
import { unusedApiDependencies } from '../support/unusedDependencies';

const registry = registerFunctionApp(() => registerRepairSlots(unusedApiDependencies));

function bindingTypes(name: string): string[] {
  return Object.values(registry.getOrThrow(name).metadata.bindings)
    .map((b) => `${b.type}:${b.direction}`)
    .sort();
}

test('registers the repairSlots entity, the notify activity with a durable client, and the sweeper every 5 minutes', () => {
  expect(registry.getOrThrow(REPAIR_SLOTS_ENTITY).trigger.type).toBe('entityTrigger');
  expect(bindingTypes(NOTIFY_REPAIR_SLOT_GRANTED)).toEqual(['activityTrigger:in', 'durableClient:in']);
  const sweeper = registry.getOrThrow(REPAIR_SLOT_SWEEP_FUNCTION);
  expect(sweeper.trigger.type).toBe('timerTrigger');
  expect(sweeper.trigger.schedule).toBe('0 */5 * * * *');
  expect(bindingTypes(REPAIR_SLOT_SWEEP_FUNCTION)).toEqual(['durableClient:in', 'timerTrigger:in']);
  expect(
    registry
      .all()
      .map((f) => f.name)
      .sort(),
  ).toEqual([NOTIFY_REPAIR_SLOT_GRANTED, REPAIR_SLOT_SWEEP_FUNCTION, REPAIR_SLOTS_ENTITY].sort());
});
