import { approvalModeSetting, isApprovalEvent } from '../../src/domain/approval';
import { ConfigurationError } from '../../src/domain/errors';
import { validateRepairRequest } from '../../src/domain/repairRequest';

const VM = '/subscriptions/5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1';

describe('approval request field and settings', () => {
  it('approval defaults to the given default, accepts the two modes, names a bad one', () => {
    expect(validateRepairRequest({ vmResourceId: VM })).toMatchObject({ ok: true, request: { approval: 'none' } });
    const defaulted = validateRepairRequest({ vmResourceId: VM }, { kind: 'http' }, undefined, 'beforeDisruptive');
    expect(defaulted).toMatchObject({ ok: true, request: { approval: 'beforeDisruptive' } });
    const asked = validateRepairRequest({ vmResourceId: VM, approval: 'none' }, { kind: 'http' }, undefined, 'beforeDisruptive');
    expect(asked).toMatchObject({ ok: true, request: { approval: 'none' } });
    expect(validateRepairRequest({ vmResourceId: VM, approval: 'always' })).toEqual({
      ok: false,
      problems: [{ field: 'approval', message: "must be 'none' or 'beforeDisruptive'" }],
    });
  });

  it.each([
    [undefined, 'none'],
    ['', 'none'],
    ['beforedisruptive', 'beforeDisruptive'],
    [' none ', 'none'],
  ])('APPROVAL_DEFAULT=%j reads as %s', (raw, mode) => {
    expect(approvalModeSetting({ APPROVAL_DEFAULT: raw }, 'APPROVAL_DEFAULT')).toBe(mode);
  });

  it('a bad setting is a ConfigurationError naming it', () => {
    expect(() => approvalModeSetting({ APPROVAL_DEFAULT: 'yes' }, 'APPROVAL_DEFAULT')).toThrow(ConfigurationError);
  });

  it('isApprovalEvent accepts only what the API raises', () => {
    expect(isApprovalEvent({ decision: 'approve', step: 'restartVm', by: 'x', at: 't' })).toBe(true);
    expect(isApprovalEvent({ decision: 'approve', step: 'format-disk', by: 'x', at: 't' })).toBe(false);
    expect(isApprovalEvent({ decision: 'maybe', step: 'all', by: 'x', at: 't' })).toBe(false);
    expect(isApprovalEvent(null)).toBe(false);
  });
});
