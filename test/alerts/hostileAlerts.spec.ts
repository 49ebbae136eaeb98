/**
 * Issue 9, the alert side, through the real webhook of a simulated app: Event Grid deliveries at the webhook are
 * refused with what to do, free text stored in the repair's input is bounded, and the parsers' decisions on
 * targets that do not parse and on what a signal means. (The corpus holds the fixtures of the same classes.)
 */
import { parseWebhookPayload } from '../../src/alerts/parseInbound';
import { postAlertWebhook } from '../../src/simulator/alertDelivery';
import { vmMetricAlert } from '../../src/simulator/sampleAlerts';
import { SIM_RESOURCE_GROUP, SIM_SUBSCRIPTION_ID } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

const VM = `/subscriptions/${SIM_SUBSCRIPTION_ID}/resourceGroups/${SIM_RESOURCE_GROUP}/providers/Microsoft.Compute/virtualMachines/vm-hostile`;

const validationEvent = {
  id: '2d1781af-3a4c-4d7c-bd0c-e34b19da4e66',
  topic: `/subscriptions/${SIM_SUBSCRIPTION_ID}/resourceGroups/${SIM_RESOURCE_GROUP}/providers/Microsoft.EventGrid/topics/rdp-autorepair-alerts`,
  subject: '',
  data: {
    validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6',
    validationUrl: 'https://rp-eastus2.eventgrid.azure.net/eventsubscriptions/x/validate?id=y',
  },
  eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
  eventTime: '2026-01-05T02:41:07Z',
  metadataVersion: '1',
  dataVersion: '1',
};

describe('class 8: an Event Grid subscription pointed at the webhook is refused, saying where it belongs', () => {
  let app: SimulatedRepairApp;
  beforeAll(async () => {
    app = await SimulatedRepairApp.start();
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([
    [
      'the validation event as Event Grid sends it (an array, with aeg-event-type)',
      [validationEvent],
      { 'aeg-event-type': 'SubscriptionValidation' },
    ],
    ['the validation event alone, without the header', validationEvent, {}],
    [
      'a notification batch',
      [{ ...validationEvent, eventType: 'RdpAutoRepair.ConnectionFailed', data: { vmResourceId: VM } }],
      { 'aeg-event-type': 'Notification' },
    ],
  ])('%s: 400 EventGridNotAccepted, no validationResponse, nothing started', async (_name, body, headers) => {
    const response = await app.http('POST', '/api/alerts', body, headers as Record<string, string>);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('EventGridNotAccepted');
    expect(response.body.error.message).toContain('--endpoint-type azurefunction');
    expect(response.body.validationResponse).toBeUndefined();
    expect(app.emulator.instanceIds()).toEqual([]);
  });

  it('the CloudEvents OPTIONS handshake is refused the same way, without WebHook-Allowed-Origin', async () => {
    const response = await app.http('OPTIONS', '/api/alerts', undefined, {
      'WebHook-Request-Origin': 'eventgrid.azure.net',
      'WebHook-Request-Rate': '120',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('EventGridNotAccepted');
    expect(Object.keys(response.headers).map((h) => h.toLowerCase())).not.toContain('webhook-allowed-origin');
  });
});

describe('class 3: alert free text is bounded where it is stored and echoed', () => {
  let app: SimulatedRepairApp;
  afterEach(async () => {
    await app.close();
  });

  it('a 10,000-character rule name and alert id reach the repair input cut to their bounds', async () => {
    app = await SimulatedRepairApp.start();
    const alert = vmMetricAlert(VM) as any;
    alert.data.essentials.alertRule = 'r'.repeat(10_000);
    alert.data.essentials.alertId = `/subscriptions/${SIM_SUBSCRIPTION_ID}/providers/Microsoft.AlertsManagement/alerts/${'a'.repeat(10_000)}`;
    const response = await postAlertWebhook(app, alert);
    expect(response.status).toBe(202);
    const status = await app.emulator.client.getStatus(response.body.id, { showInput: true });
    const source = (status as any).input.request.source;
    expect(source.rule.length).toBeLessThanOrEqual(260 + 40);
    expect(source.rule).toMatch(/… \(9740 more characters\)$/);
    expect(source.alertId.length).toBeLessThanOrEqual(512 + 40);
    expect(JSON.stringify(response.body).length).toBeLessThan(2000);
  });

  it('an unknown schema id is quoted in part', () => {
    const parsed = parseWebhookPayload({ schemaId: 'x'.repeat(10_000), data: {} });
    expect(parsed.kind === 'invalid' && parsed.message.length).toBeLessThan(400);
  });
});

describe('class 5: a target that does not parse rejects the alert, never falls back to the dimensions', () => {
  const withDimension = (targets: unknown) => {
    const alert = vmMetricAlert(VM) as any;
    alert.data.essentials.alertTargetIDs = targets;
    alert.data.alertContext.condition.allOf[0].dimensions = [
      { name: 'DestinationResourceId', value: VM.replace('vm-hostile', 'vm-other') },
    ];
    return alert;
  };

  it.each([
    ['a .. segment', [`${VM}/../vm-x`]],
    ['extra segments below the VM', [`${VM}/extensions/x`]],
    ['a subscription that is not a GUID', [VM.replace(SIM_SUBSCRIPTION_ID, 'contoso')]],
    ['a number', [42]],
  ])('%s', (_name, targets) => {
    const parsed = parseWebhookPayload(withDimension(targets));
    expect(parsed).toMatchObject({
      kind: 'invalid',
      message: 'The alert names a resource id that is not well-formed; it is rejected rather than read through its other fields.',
    });
  });

  it('a well-formed target that is not a VM still lets a Connection Monitor dimension name the VM', () => {
    const monitor = `/subscriptions/${SIM_SUBSCRIPTION_ID}/resourcegroups/networkwatcherrg/providers/microsoft.network/networkwatchers/nw/connectionmonitors/cm`;
    const parsed = parseWebhookPayload(withDimension([monitor]));
    expect(parsed.kind === 'signal' && parsed.signal.targets.map((t) => t.vmResourceId)).toEqual([VM.replace('vm-hostile', 'vm-other')]);
  });

  it('a malformed VM dimension rejects the alert instead of trying the next dimension', () => {
    const alert = withDimension([]);
    alert.data.alertContext.condition.allOf[0].dimensions = [
      { name: 'DestinationResourceId', value: `${VM}/../../virtualMachines/vm-x` },
      { name: '_ResourceId', value: VM.replace('vm-hostile', 'vm-other') },
    ];
    expect(parseWebhookPayload(alert).kind).toBe('invalid');
  });
});

describe('class 7: missing is not null', () => {
  it('alertTargetIDs missing is invalid; null is a well-formed alert about nothing', () => {
    const missing = vmMetricAlert(VM) as any;
    delete missing.data.essentials.alertTargetIDs;
    expect(parseWebhookPayload(missing)).toMatchObject({
      kind: 'invalid',
      details: ['data.essentials.alertTargetIDs: is required (an array of resource ids, or null)'],
    });
    const explicitNull = vmMetricAlert(VM) as any;
    explicitNull.data.essentials.alertTargetIDs = null;
    explicitNull.data.alertContext = {};
    expect(parseWebhookPayload(explicitNull)).toMatchObject({ kind: 'signal', signal: { targets: [] } });
  });
});

describe('class 6: what a signal means', () => {
  const activityLog = (monitoringService: string, properties: Record<string, unknown> = {}) => {
    const alert = vmMetricAlert(VM) as any;
    alert.data.essentials.signalType = 'Activity Log';
    alert.data.essentials.monitoringService = monitoringService;
    alert.data.alertContext = { properties };
    return parseWebhookPayload(alert);
  };

  it('Administrative, Service Health, Policy activity-log alerts are not connection failures', () => {
    for (const service of ['Activity Log - Administrative', 'ServiceHealth', 'Activity Log - Policy']) {
      const parsed = activityLog(service);
      expect(parsed.kind === 'signal' && parsed.signal.notConnectionSignal).toBeTruthy();
    }
  });

  it('Resource Health through an action group is a health event; only platform-initiated downtime may repair', () => {
    const signal = (properties: Record<string, unknown>) => {
      const parsed = activityLog('Resource Health', properties);
      if (parsed.kind !== 'signal') throw new Error('a signal');
      return parsed.signal;
    };
    expect(signal({ currentHealthStatus: 'Unavailable', cause: 'PlatformInitiated' })).toMatchObject({
      kind: 'healthEvent',
      resolved: false,
    });
    expect(signal({ currentHealthStatus: 'Unavailable', cause: 'UserInitiated' }).plannedOrUserInitiated).toBeTruthy();
    expect(signal({ currentHealthStatus: 'Degraded' }).notActionable).toMatch(/without saying the platform caused it/);
    expect(signal({ currentHealthStatus: 'Available' }).resolved).toBe(true);
    expect(signal({ currentHealthStatus: 'Unknown', cause: 'PlatformInitiated' }).notActionable).toBeTruthy();
  });
});
