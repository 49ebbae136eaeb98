import { validateRepairRequest } from '../../src/domain/repairRequest';
import { parseCidr } from '../../src/domain/ipAddress';
import { repairInstanceId, isRepairInstanceId } from '../../src/domain/instanceId';
import { isInScope, parseScopes } from '../../src/domain/scope';

const VM = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/web01';

describe('validateRepairRequest', () => {
  it('normalizes a valid request', () => {
    const r = validateRepairRequest({
      vmResourceId: VM.toUpperCase().replace('SUBSCRIPTIONS', 'subscriptions'),
      allowedSourceCidrs: ['203.0.113.0/24', '203.0.113.0/24'],
      rdpPort: 3390,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.request.mode).toBe('repair');
    expect(r.request.vm.id).toContain('/providers/Microsoft.Compute/virtualMachines/WEB01');
    expect(r.request.allowedSourceCidrs).toEqual(['203.0.113.0/24']);
    expect(r.request.rdpPort).toBe(3390);
  });

  it('names every bad field at once', () => {
    const r = validateRepairRequest({ vmResourceId: 'vm1', mode: 'fix', rdpPort: 0, allowedSourceCidrs: ['*'], extra: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field).sort()).toEqual(['allowedSourceCidrs.0', 'extra', 'mode', 'rdpPort', 'vmResourceId']);
  });
});

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', true],
    ['203.0.113.7', true],
    ['2001:db8::/32', true],
    ['10.0.0.5/24', false],
    ['300.1.1.1/32', false],
    ['1.2.3.4/33', false],
    ['01.2.3.4', false],
  ])('%s valid=%s', (text, valid) => {
    expect(parseCidr(text).ok).toBe(valid);
  });
});

describe('instance ids and scopes', () => {
  it('derives one instance id per VM regardless of case', () => {
    const a = repairInstanceId(VM.toLowerCase());
    expect(a).toBe(repairInstanceId(VM.toLowerCase()));
    expect(isRepairInstanceId(a)).toBe(true);
    expect(a).toMatch(/^rdprepair-web01-[0-9a-f]{16}$/);
  });

  it('matches resource-group and subscription scopes case-insensitively', () => {
    const scopes = parseScopes('/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/RG-PROD');
    expect(scopes.ok).toBe(true);
    if (!scopes.ok) return;
    expect(isInScope(VM.toLowerCase(), scopes.value)).toBe(true);
    expect(isInScope(VM.toLowerCase().replace('rg-prod', 'rg-prod2'), scopes.value)).toBe(false);
    expect(parseScopes('rg-prod').ok).toBe(false);
  });
});

describe('offline request fields', () => {
  const vm = '/subscriptions/6f0c2e8a-1b7d-4c3e-9a5f-2d8e7b6c4a10/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web01';
  const rescue = vm.replace(/web01$/, 'rescue01');

  it('accepts offline and a rescue VM, canonical; absent offline stays absent (the setting decides)', () => {
    const r = validateRepairRequest({ vmResourceId: vm, offline: 'only', rescueVmResourceId: rescue });
    expect(r.ok && r.request.offline).toBe('only');
    expect(r.ok && r.request.rescueVmResourceId).toBe(rescue);
    const plain = validateRepairRequest({ vmResourceId: vm });
    expect(plain.ok && 'offline' in plain.request).toBe(false);
  });

  it('names a bad offline value and a bad rescue VM id', () => {
    const r = validateRepairRequest({ vmResourceId: vm, offline: 'yes', rescueVmResourceId: 'rescue01' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.find((p) => p.field === 'offline')?.message).toBe("must be one of 'never', 'auto', 'only'");
      expect(r.problems.some((p) => p.field === 'rescueVmResourceId')).toBe(true);
    }
  });
});
