/**
 * The repair API through the real handlers (HttpRequest / InvocationContext), with the durable host emulator's
 * client behind them: every bad input gets its exact status and message, never a stack trace.
 */
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { findScenario, SIM_RESOURCE_GROUP, SIM_SUBSCRIPTION_ID } from '../../src/simulator/scenarios/catalog';

const SUB = SIM_SUBSCRIPTION_ID;
const RG = `/subscriptions/${SUB}/resourceGroups/${SIM_RESOURCE_GROUP}`;
const VM = `${RG}/providers/Microsoft.Compute/virtualMachines/vm-healthy`;
const SHAPE =
  'must look like /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{vmName}';
const KNOWN =
  'is not a known field (known: vmResourceId, mode, allowedSourceCidrs, rdpPort, allowLegacyTls, offline, rescueVmResourceId, approval)';
const invalid = (detail: string) => `The repair request is invalid: ${detail}`;

type Case = [name: string, body: unknown, status: number, code: string, message: string];

const cases: Case[] = [
  ['malformed JSON', '{"vmResourceId": ', 400, 'InvalidJson', 'The body is not valid JSON (Unexpected end of JSON input).'],
  [
    'empty body',
    '',
    400,
    'InvalidJson',
    'The body is empty; send a JSON object such as {"vmResourceId": "/subscriptions/.../virtualMachines/vm1"}.',
  ],
  ['JSON array', [VM], 400, 'InvalidRequest', invalid('the body must be a JSON object')],
  ['JSON string', JSON.stringify('vm1'), 400, 'InvalidRequest', invalid('the body must be a JSON object')],
  ['JSON null', 'null', 400, 'InvalidRequest', invalid('the body must be a JSON object')],
  ['missing vmResourceId', {}, 400, 'InvalidRequest', invalid('vmResourceId: is required (the ARM id of the virtual machine to repair)')],
  [
    'vmResourceId a number',
    { vmResourceId: 42 },
    400,
    'InvalidRequest',
    invalid('vmResourceId: must be a string (the ARM id of the virtual machine)'),
  ],
  ['vmResourceId empty', { vmResourceId: '   ' }, 400, 'InvalidRequest', invalid('vmResourceId: must not be empty')],
  [
    'a bare VM name',
    { vmResourceId: 'vm-healthy' },
    400,
    'InvalidRequest',
    invalid('vmResourceId: must be an ARM id starting with /subscriptions/ (not a name or a portal URL)'),
  ],
  [
    'a disk id',
    { vmResourceId: `${RG}/providers/Microsoft.Compute/disks/os1` },
    400,
    'InvalidRequest',
    invalid('vmResourceId: must be a Microsoft.Compute/virtualMachines id, got a Microsoft.Compute/disks id'),
  ],
  ['a resource group id', { vmResourceId: RG }, 400, 'InvalidRequest', invalid(`vmResourceId: ${SHAPE}`)],
  [
    'a VM extension id',
    { vmResourceId: `${VM}/extensions/ext` },
    400,
    'InvalidRequest',
    invalid("vmResourceId: points below the virtual machine (/extensions/ext); give the VM's own id"),
  ],
  [
    '.. in the id',
    { vmResourceId: `/subscriptions/${SUB}/resourceGroups/../providers/Microsoft.Compute/virtualMachines/x` },
    400,
    'InvalidRequest',
    invalid("vmResourceId: must not contain '.' or '..' segments"),
  ],
  [
    'query characters in the id',
    { vmResourceId: `${VM}?api-version=1` },
    400,
    'InvalidRequest',
    invalid('vmResourceId: contains characters that cannot appear in an ARM id (whitespace, ?, #, %, \\ or control characters)'),
  ],
  [
    'percent-encoding in the id',
    { vmResourceId: `${RG}/providers/Microsoft.Compute/virtualMachines/vm%2F1` },
    400,
    'InvalidRequest',
    invalid('vmResourceId: contains characters that cannot appear in an ARM id (whitespace, ?, #, %, \\ or control characters)'),
  ],
  [
    'double slash',
    { vmResourceId: `/subscriptions/${SUB}//resourceGroups/x` },
    400,
    'InvalidRequest',
    invalid('vmResourceId: contains an empty path segment (// or a trailing /)'),
  ],
  [
    'subscription not a GUID',
    { vmResourceId: VM.replace(SUB, 'my-sub') },
    400,
    'InvalidRequest',
    invalid("vmResourceId: subscription id 'my-sub' is not a GUID"),
  ],
  [
    'VM name with odd characters',
    { vmResourceId: `${RG}/providers/Microsoft.Compute/virtualMachines/vm$1` },
    400,
    'InvalidRequest',
    invalid("vmResourceId: virtual machine name 'vm$1' is not a valid Azure VM name"),
  ],
  ['mode unknown', { vmResourceId: VM, mode: 'fix' }, 400, 'InvalidRequest', invalid("mode: must be 'repair' or 'diagnose'")],
  [
    'rdpPort a string',
    { vmResourceId: VM, rdpPort: '3389' },
    400,
    'InvalidRequest',
    invalid('rdpPort: must be a whole number from 1 to 65535'),
  ],
  [
    'rdpPort out of range',
    { vmResourceId: VM, rdpPort: 70000 },
    400,
    'InvalidRequest',
    invalid('rdpPort: must be a whole number from 1 to 65535'),
  ],
  [
    'rdpPort fractional',
    { vmResourceId: VM, rdpPort: 3389.5 },
    400,
    'InvalidRequest',
    invalid('rdpPort: must be a whole number from 1 to 65535'),
  ],
  [
    'allowedSourceCidrs not an array',
    { vmResourceId: VM, allowedSourceCidrs: '203.0.113.0/24' },
    400,
    'InvalidRequest',
    invalid('allowedSourceCidrs: must be an array of CIDR blocks, e.g. ["203.0.113.0/24"]'),
  ],
  [
    'allowedSourceCidrs is the world',
    { vmResourceId: VM, allowedSourceCidrs: ['0.0.0.0/0'] },
    400,
    'InvalidRequest',
    invalid("allowedSourceCidrs.0: '0.0.0.0/0' is the whole Internet; restricting RDP to it would change nothing"),
  ],
  [
    'allowedSourceCidrs not a CIDR',
    { vmResourceId: VM, allowedSourceCidrs: ['203.0.113.0/24', 'office'] },
    400,
    'InvalidRequest',
    invalid("allowedSourceCidrs.1: 'office' is not an IPv4 or IPv6 address or CIDR block"),
  ],
  [
    'allowedSourceCidrs with host bits',
    { vmResourceId: VM, allowedSourceCidrs: ['203.0.113.7/24'] },
    400,
    'InvalidRequest',
    invalid("allowedSourceCidrs.0: '203.0.113.7/24' has host bits set; the network is 203.0.113.0/24"),
  ],
  ['unknown field', { vmResourceId: VM, serialConsole: true }, 400, 'InvalidRequest', invalid(`serialConsole: ${KNOWN}`)],
  // Issue 9: the whole Internet in pieces, a slice of it, IPv6 (refused until the whole path handles it).
  [
    'allowedSourceCidrs is the Internet in two halves',
    { vmResourceId: VM, allowedSourceCidrs: ['0.0.0.0/1', '128.0.0.0/1'] },
    400,
    'InvalidRequest',
    invalid(
      ["allowedSourceCidrs.0: '0.0.0.0/1' is a /1", "allowedSourceCidrs.1: '128.0.0.0/1' is a /1"]
        .map((p) => `${p}, wider than MIN_SOURCE_PREFIX_V4=8 allows; name your own addresses, not a slice of the Internet`)
        .join('; '),
    ),
  ],
  [
    'allowedSourceCidrs an IPv6 block',
    { vmResourceId: VM, allowedSourceCidrs: ['2001:db8::/48'] },
    400,
    'InvalidRequest',
    invalid(
      "allowedSourceCidrs.0: '2001:db8::/48' is IPv6; IPv6 sources are not accepted yet: the repair restricts the " +
        'world-open rule in place, an NSG rule cannot mix IPv4 and IPv6 sources, and the exposure check and the probe ' +
        'cover IPv4 only. Give IPv4 blocks',
    ),
  ],
  [
    'a 10,000-character CIDR entry is quoted in part',
    { vmResourceId: VM, allowedSourceCidrs: ['9'.repeat(10_000)] },
    400,
    'InvalidRequest',
    invalid(`allowedSourceCidrs.0: '${'9'.repeat(80)}… (9920 more characters)' is not an IPv4 or IPv6 address or CIDR block`),
  ],
  [
    'several problems at once',
    { vmResourceId: 'x', mode: 1, rdpPort: 0 },
    400,
    'InvalidRequest',
    invalid(
      'vmResourceId: must be an ARM id starting with /subscriptions/ (not a name or a portal URL); mode: must be ' +
        "'repair' or 'diagnose'; rdpPort: must be a whole number from 1 to 65535",
    ),
  ],
  [
    'oversize body',
    JSON.stringify({ vmResourceId: VM, pad: 'x'.repeat(70 * 1024) }),
    413,
    'PayloadTooLarge',
    `The body is ${JSON.stringify({ vmResourceId: VM, pad: 'x'.repeat(70 * 1024) }).length} bytes; the limit is 65536.`,
  ],
  [
    'VM in another resource group',
    { vmResourceId: VM.replace(SIM_RESOURCE_GROUP, 'rg-other') },
    403,
    'OutOfScope',
    `${VM.replace(SIM_RESOURCE_GROUP, 'rg-other')} is outside REPAIR_ALLOWED_SCOPES; this app may repair only VMs in: ${RG.toLowerCase()}.`,
  ],
  [
    'VM in another subscription',
    { vmResourceId: VM.replace(SUB, '00000000-0000-0000-0000-000000000001') },
    403,
    'OutOfScope',
    `${VM.replace(SUB, '00000000-0000-0000-0000-000000000001')} is outside REPAIR_ALLOWED_SCOPES; this app may repair ` +
      `only VMs in: ${RG.toLowerCase()}.`,
  ],
];

describe('POST /api/repairs rejects bad input with an exact status and message', () => {
  let app: SimulatedRepairApp;
  beforeAll(async () => {
    app = await SimulatedRepairApp.start();
  });
  afterAll(async () => {
    await app.close();
  });

  it(`has at least 25 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('%s', async (_name, body, status, code, message) => {
    const response = await app.http('POST', '/api/repairs', body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toBe(message);
    expect(JSON.stringify(response.body)).not.toMatch(/\n\s+at /);
    expect(app.emulator.instanceIds()).toEqual([]);
    expect(app.arm.stats().total).toBe(0);
  });
});

describe('repair API behaviour', () => {
  let app: SimulatedRepairApp;
  afterEach(async () => {
    await app.close();
  });

  it('refuses everything, naming the setting, when REPAIR_ALLOWED_SCOPES is unset', async () => {
    app = await SimulatedRepairApp.start({ settings: { REPAIR_ALLOWED_SCOPES: undefined } });
    const response = await app.http('POST', '/api/repairs', { vmResourceId: VM });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('ScopesNotConfigured');
    expect(response.body.error.message).toContain('REPAIR_ALLOWED_SCOPES is not set');
  });

  it('answers 500 with the setting named when a setting is malformed', async () => {
    app = await SimulatedRepairApp.start({ settings: { REPAIR_ALLOWED_SCOPES: 'rg-prod' } });
    const response = await app.http('POST', '/api/repairs', { vmResourceId: VM });
    expect(response.status).toBe(500);
    expect(response.body.error).toEqual({
      code: 'ConfigurationError',
      message:
        "The app is misconfigured: REPAIR_ALLOWED_SCOPES entry 'rg-prod' is neither /subscriptions/{id} nor " +
        '/subscriptions/{id}/resourceGroups/{name}',
      details: { setting: 'REPAIR_ALLOWED_SCOPES' },
    });
  });

  it('starts one repair per VM: 202 with Location, then 409 with the running repair while it runs', async () => {
    app = await SimulatedRepairApp.start();
    const seeded = await app.addScenario(findScenario('nsg-open-to-world')!);
    const first = await app.http('POST', '/api/repairs', seeded.request);
    expect(first.status).toBe(202);
    expect(first.headers.Location).toBe(first.body.statusUrl);
    expect(first.body.id).toMatch(/^rdprepair-vm-exposed-[0-9a-f]{16}$/);
    // The same VM spelled in another case is the same VM.
    const second = await app.http('POST', '/api/repairs', {
      ...seeded.request,
      vmResourceId: seeded.vmId.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'),
    });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('RepairAlreadyRunning');
    expect(second.body.error.details).toEqual({ id: first.body.id, statusUrl: first.body.statusUrl });
    await app.emulator.runUntilComplete(first.body.id);
    // Once it has finished, the VM can be repaired again (the new run replaces the old status).
    const third = await app.http('POST', '/api/repairs', seeded.request);
    expect(third.status).toBe(202);
  });

  it('finds the latest repair of a VM and 404s for unknown ones', async () => {
    app = await SimulatedRepairApp.start();
    const seeded = await app.addScenario(findScenario('healthy')!);
    const { start } = await app.runRepair(seeded.request);
    const byVm = await app.http('GET', `/api/repairs?vmResourceId=${encodeURIComponent(seeded.vmId)}`);
    expect(byVm.status).toBe(200);
    expect(byVm.body.id).toBe(start.body.id);
    expect(byVm.body.outcome.kind).toBe('AlreadyHealthy');

    const other = await app.http('GET', `/api/repairs?vmResourceId=${encodeURIComponent(seeded.vmId.replace('vm-healthy', 'vm-never'))}`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('RepairNotFound');
    const missingQuery = await app.http('GET', '/api/repairs');
    expect(missingQuery.status).toBe(400);
    const badId = await app.http('GET', '/api/repairs/..%2F..%2Fadmin');
    expect(badId.status).toBe(404);
    const unknownId = await app.http('GET', '/api/repairs/rdprepair-vm-x-0123456789abcdef');
    expect(unknownId.status).toBe(404);
    expect(unknownId.body.error.message).toBe("No repair has the id 'rdprepair-vm-x-0123456789abcdef'.");
    // Issue 9: a 10,000-character id does not come back whole.
    const longId = await app.http('GET', `/api/repairs/${'a'.repeat(10_000)}`);
    expect(longId.status).toBe(404);
    expect(longId.body.error.message).toBe(
      `No repair has the id '${'a'.repeat(80)}… (9920 more characters)'. Repair ids look like rdprepair-<vm name>-<16 hex digits>.`,
    );
  });
});
