/** Parser details the corpus does not pin down: envelopes, data decoding, where the VM is found, exact messages. */
import { parseEventGridEvent, parseWebhookPayload } from '../../src/alerts/parseInbound';
import { findVmTargets } from '../../src/alerts/vmTargets';
import { asCloudEvent, asEventGridEvent, connectionMonitorAlert, vmMetricAlert } from '../../src/simulator/sampleAlerts';

const SUB = '5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11';
const VM = `/subscriptions/${SUB}/resourceGroups/rg-rdp-sim/providers/Microsoft.Compute/virtualMachines/vm-a`;
const VM_B = VM.replace('vm-a', 'vm-b');

describe('findVmTargets', () => {
  it('takes VMs from alertTargetIDs and ignores dimensions then', () => {
    expect(
      findVmTargets([VM.toLowerCase(), `/subscriptions/${SUB}/resourcegroups/y/providers/microsoft.storage/storageaccounts/z`], {
        condition: { allOf: [{ dimensions: [{ name: 'DestinationResourceId', value: VM_B }] }] },
      }),
    ).toEqual({
      targets: [{ vmResourceId: VM.toLowerCase(), foundIn: 'alertTargetIDs' }],
      otherResources: [`/subscriptions/${SUB}/resourcegroups/y/providers/microsoft.storage/storageaccounts/z`],
      malformed: [],
    });
  });

  it('never takes the Connection Monitor source, and takes a port only when it is a port', () => {
    const context = (port: string) => ({
      condition: {
        allOf: [
          {
            dimensions: [
              { name: 'SourceResourceId', value: VM_B },
              { name: 'destinationresourceid', value: VM },
              { name: 'DestinationPort', value: port },
            ],
          },
        ],
      },
    });
    expect(findVmTargets([], context('3391')).targets).toEqual([
      { vmResourceId: VM, port: 3391, foundIn: 'dimension DestinationResourceId' },
    ]);
    expect(findVmTargets([], context('70000')).targets).toEqual([{ vmResourceId: VM, foundIn: 'dimension DestinationResourceId' }]);
    expect(findVmTargets([], { condition: { allOf: [{ dimensions: [{ name: 'SourceResourceId', value: VM_B }] }] } }).targets).toEqual([]);
  });

  it('reads the older log alert Dimensions list and names the same VM once across criteria and spellings', () => {
    const context = {
      condition: {
        allOf: [
          { dimensions: [{ name: '_ResourceId', value: VM }] },
          { dimensions: [{ name: 'ResourceId', value: VM.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/') }] },
        ],
      },
      Dimensions: [{ name: '_ResourceId', value: VM_B }],
    };
    expect(findVmTargets(null, context).targets.map((t) => t.vmResourceId)).toEqual([VM, VM_B]);
  });
});

describe('envelopes', () => {
  const alert = vmMetricAlert(VM);

  it('reads the same alert from the Event Grid schema, CloudEvents data, a JSON string and data_base64', () => {
    const variants = [
      asEventGridEvent('Any.Type', alert, SUB),
      asCloudEvent('Any.Type', alert, SUB),
      asEventGridEvent('Any.Type', JSON.stringify(alert), SUB),
      { ...asCloudEvent('Any.Type', undefined, SUB), data: undefined, data_base64: Buffer.from(JSON.stringify(alert)).toString('base64') },
    ];
    const parsed = variants.map(parseEventGridEvent);
    expect(parsed.map((p) => p.kind)).toEqual(['signal', 'signal', 'signal', 'signal']);
    expect(parsed.map((p) => (p.kind === 'signal' ? p.signal.envelope : ''))).toEqual([
      'eventGrid',
      'cloudEvents',
      'eventGrid',
      'cloudEvents',
    ]);
    for (const p of parsed) if (p.kind === 'signal') expect(p.signal.targets[0].vmResourceId).toBe(VM.toLowerCase());
  });

  it('says exactly what is wrong with a broken envelope', () => {
    expect(parseEventGridEvent({ specversion: '1.0', data: {} })).toEqual({
      kind: 'invalid',
      message: 'The CloudEvent is invalid.',
      details: ['id: is required', 'source: is required', 'type: is required'],
      eventId: undefined,
    });
    expect(parseEventGridEvent({ id: 'e1', eventType: 'x', data: '{' })).toEqual({
      kind: 'invalid',
      message: 'The Event Grid event is invalid.',
      details: ['data: is a string that is not JSON'],
      eventId: 'e1',
    });
    expect(parseEventGridEvent([asEventGridEvent('x', {}, SUB)])).toMatchObject({
      kind: 'invalid',
      message: 'The event is not a JSON object.',
    });
    expect(parseEventGridEvent({ ...asCloudEvent('x', undefined, SUB), data: undefined, data_base64: '!!' })).toMatchObject({
      details: ['data_base64: is not base64'],
    });
  });

  it('names the bad field of a common alert, rooted where it sits', () => {
    const broken = connectionMonitorAlert(VM) as any;
    delete broken.data.essentials.alertId;
    broken.data.essentials.monitorCondition = 'Activated';
    expect(parseWebhookPayload(broken)).toMatchObject({
      kind: 'invalid',
      details: [
        'data.essentials.alertId: is required (the alert instance id)',
        "data.essentials.monitorCondition: must be 'Fired' or 'Resolved'",
      ],
    });
    expect(parseEventGridEvent(asEventGridEvent('Relay', broken, SUB))).toMatchObject({
      kind: 'invalid',
      details: [
        'data.data.essentials.alertId: is required (the alert instance id)',
        "data.data.essentials.monitorCondition: must be 'Fired' or 'Resolved'",
      ],
    });
  });

  it('tells an action group without the common schema how to fix it', () => {
    expect(parseWebhookPayload({ schemaId: 'Microsoft.Insights/activityLogs', data: {} })).toMatchObject({
      kind: 'invalid',
      message:
        "The alert uses schema 'Microsoft.Insights/activityLogs'; this endpoint reads only the common alert schema. Turn " +
        'on "Enable the common alert schema" (useCommonAlertSchema: true) on the action group\'s webhook.',
    });
  });

  it('treats a missing or unknown severity as the least severe', () => {
    const noSeverity = vmMetricAlert(VM) as any;
    noSeverity.data.essentials.severity = null;
    const parsed = parseWebhookPayload(noSeverity);
    expect(parsed.kind === 'signal' && parsed.signal.severity).toBe(4);
  });
});
