/** The alert functions as the Functions host would receive them (captured by the functions-core stand-in). */
import { registerAlertsEventGrid } from '../../src/functions/alertsEventGrid';
import { registerAlertsHttp } from '../../src/functions/alertsHttp';
import { registerFunctionApp } from '../../src/simulator/functionsHost';
import { unusedApiDependencies } from '../support/unusedDependencies';

const registry = registerFunctionApp(() => {
  registerAlertsHttp(unusedApiDependencies);
  registerAlertsEventGrid(unusedApiDependencies);
});

function bindingTypes(name: string): string[] {
  return Object.values(registry.getOrThrow(name).metadata.bindings)
    .map((b) => `${b.type}:${b.direction}`)
    .sort();
}

describe('alert function registrations', () => {
  it('registers exactly the webhook and the Event Grid trigger', () => {
    expect(
      registry
        .all()
        .map((f) => f.name)
        .sort(),
    ).toEqual(['receiveAlert', 'receiveAlertEvent']);
  });

  it(
    'the webhook is POST /api/alerts (OPTIONS only to refuse the CloudEvents handshake) with function auth and a durable ' + 'client input',
    () => {
      const fn = registry.getOrThrow('receiveAlert');
      expect(fn.trigger.type).toBe('httpTrigger');
      expect(fn.trigger.route).toBe('alerts');
      expect(fn.trigger.methods).toEqual(['POST', 'OPTIONS']);
      expect(fn.trigger.authLevel).toBe('function');
      expect(bindingTypes('receiveAlert')).toEqual(['durableClient:in', 'http:out', 'httpTrigger:in']);
      expect(registry.matchHttp('alerts', 'POST')?.fn.name).toBe('receiveAlert');
      expect(registry.matchHttp('alerts', 'GET')).toBeUndefined();
    },
  );

  it('the Event Grid trigger has a durable client input and no output', () => {
    const fn = registry.getOrThrow('receiveAlertEvent');
    expect(fn.trigger.type).toBe('eventGridTrigger');
    expect(fn.trigger.direction).toBe('in');
    expect(bindingTypes('receiveAlertEvent')).toEqual(['durableClient:in', 'eventGridTrigger:in']);
  });
});
