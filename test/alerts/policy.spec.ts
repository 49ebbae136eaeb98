/** The pure parts of the alert policy: settings, screening order, the previous-repair and concurrency verdicts. */
import { previousRepairVerdict } from '../../src/alerts/admissionPolicy';
import { repairRequestsFor } from '../../src/alerts/alertRequests';
import { screenSignal } from '../../src/alerts/alertScreening';
import type { AlertSignal } from '../../src/alerts/alertSignal';
import { parseSeverity, readAlertPolicy } from '../../src/domain/alertPolicyConfig';
import { ConfigurationError } from '../../src/domain/errors';
import { repairInstanceId } from '../../src/domain/instanceId';

const VM = '/subscriptions/5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11/resourcegroups/rg-rdp-sim/providers/microsoft.compute/virtualmachines/vm-1';

describe('readAlertPolicy', () => {
  it('has the documented defaults', () => {
    // Issue 9: every severity by default (docs/alerts.md "Severity"); sources no wider than a /8.
    expect(readAlertPolicy({})).toEqual({
      minSeverity: 4,
      cooldownMinutes: 360,
      maxConcurrentRepairs: 20,
      repairOnHealthEvents: false,
      allowedSourceCidrs: [],
      sourcePrefixLimits: { minPrefixV4: 8, minPrefixV6: 32 },
      approvalDefault: 'none',
    });
  });

  it('reads every setting', () => {
    expect(
      readAlertPolicy({
        ALERT_MIN_SEVERITY: 'sev1',
        REPAIR_COOLDOWN_MINUTES: '0',
        MAX_CONCURRENT_REPAIRS: '5',
        REPAIR_ON_HEALTH_EVENTS: 'TRUE',
        ALERT_ALLOWED_SOURCE_CIDRS: ' 203.0.113.0/24, 198.51.100.7 ,203.0.113.0/24',
        MIN_SOURCE_PREFIX_V4: '16',
        ALERT_APPROVAL_DEFAULT: 'beforeDisruptive',
      }),
    ).toEqual({
      minSeverity: 1,
      cooldownMinutes: 0,
      maxConcurrentRepairs: 5,
      repairOnHealthEvents: true,
      allowedSourceCidrs: ['203.0.113.0/24', '198.51.100.7'],
      sourcePrefixLimits: { minPrefixV4: 16, minPrefixV6: 32 },
      approvalDefault: 'beforeDisruptive',
    });
  });

  it.each([
    ['ALERT_MIN_SEVERITY', 'Critical', "ALERT_MIN_SEVERITY must be one of Sev0, Sev1, Sev2, Sev3, Sev4, got 'Critical'"],
    ['ALERT_MIN_SEVERITY', 'Sev5', "ALERT_MIN_SEVERITY must be one of Sev0, Sev1, Sev2, Sev3, Sev4, got 'Sev5'"],
    ['REPAIR_COOLDOWN_MINUTES', '-1', "REPAIR_COOLDOWN_MINUTES must be a whole number from 0 to 43200, got '-1'"],
    ['MAX_CONCURRENT_REPAIRS', '0', "MAX_CONCURRENT_REPAIRS must be a whole number from 1 to 1000, got '0'"],
    ['MAX_CONCURRENT_REPAIRS', '2.5', "MAX_CONCURRENT_REPAIRS must be a whole number from 1 to 1000, got '2.5'"],
    ['REPAIR_ON_HEALTH_EVENTS', 'yes', "REPAIR_ON_HEALTH_EVENTS must be 'true' or 'false', got 'yes'"],
    [
      'ALERT_ALLOWED_SOURCE_CIDRS',
      '0.0.0.0/0',
      "ALERT_ALLOWED_SOURCE_CIDRS: '0.0.0.0/0' is the whole Internet; restricting RDP to it would change nothing",
    ],
    ['ALERT_APPROVAL_DEFAULT', 'always', "ALERT_APPROVAL_DEFAULT must be 'none' or 'beforeDisruptive', got 'always'"],
    ['ALERT_ALLOWED_SOURCE_CIDRS', 'office', "ALERT_ALLOWED_SOURCE_CIDRS: 'office' is not an IPv4 or IPv6 address or CIDR block"],
  ])('%s=%s is a ConfigurationError naming the setting', (setting, value, message) => {
    let error: unknown;
    try {
      readAlertPolicy({ [setting]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).setting).toBe(setting);
    expect((error as Error).message).toBe(message);
  });

  it('parses severities strictly', () => {
    expect([parseSeverity('Sev0'), parseSeverity(' sev4 '), parseSeverity('Sev 2'), parseSeverity(2), parseSeverity(null)]).toEqual([
      0,
      4,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

function signal(overrides: Partial<AlertSignal>): AlertSignal {
  return {
    kind: 'commonAlert',
    envelope: 'none',
    alertId: 'a1',
    rule: 'r',
    severity: 2,
    resolved: false,
    targets: [{ vmResourceId: VM, foundIn: 'alertTargetIDs' }],
    otherResources: [],
    ...overrides,
  };
}

describe('screenSignal', () => {
  const policy = { minSeverity: 3, repairOnHealthEvents: false };

  it('proceeds for a fired, severe-enough alert on a VM', () => {
    expect(screenSignal(signal({}), policy)).toEqual({ kind: 'proceed' });
    expect(screenSignal(signal({ severity: 3 }), policy)).toEqual({ kind: 'proceed' });
  });

  it('applies the checks in order: resolved, then no VM, then severity', () => {
    expect(screenSignal(signal({ resolved: true, targets: [], severity: 4 }), policy)).toMatchObject({ reason: 'resolved' });
    expect(screenSignal(signal({ targets: [], otherResources: ['/x/storage'], severity: 4 }), policy)).toMatchObject({
      reason: 'notVmTarget',
      message: 'The alert is not about a virtual machine: it names /x/storage.',
    });
    expect(screenSignal(signal({ severity: 4 }), policy)).toMatchObject({
      reason: 'belowMinSeverity',
      message:
        'The alert is Sev4; ALERT_MIN_SEVERITY=Sev3 lets only Sev3 and more severe start repairs (set ' +
        'ALERT_MIN_SEVERITY=Sev4 to admit it).',
    });
  });

  it('does not filter signals that carry no severity', () => {
    expect(screenSignal(signal({ kind: 'connectionFailed', severity: null }), { minSeverity: 0, repairOnHealthEvents: false })).toEqual({
      kind: 'proceed',
    });
  });

  it('gates health events on REPAIR_ON_HEALTH_EVENTS before anything else', () => {
    expect(screenSignal(signal({ kind: 'healthEvent', severity: null, resolved: true }), policy)).toMatchObject({
      reason: 'healthEventsDisabled',
    });
    expect(screenSignal(signal({ kind: 'healthEvent', severity: null }), { ...policy, repairOnHealthEvents: true })).toEqual({
      kind: 'proceed',
    });
    expect(
      screenSignal(signal({ kind: 'healthEvent', severity: null, notActionable: 'Unknown' }), { ...policy, repairOnHealthEvents: true }),
    ).toMatchObject({ reason: 'notActionable' });
  });
});

describe('repairRequestsFor', () => {
  it('builds alert-sourced repair requests validated like HTTP ones, with the configured CIDRs', () => {
    const [result] = repairRequestsFor(signal({ targets: [{ vmResourceId: VM, port: 3390, foundIn: 'x' }] }), {
      allowedSourceCidrs: ['203.0.113.0/24'],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.request).toMatchObject({
      mode: 'repair',
      rdpPort: 3390,
      allowedSourceCidrs: ['203.0.113.0/24'],
      source: { kind: 'alert', alertId: 'a1', rule: 'r' },
    });
    // Azure Monitor lower-cases ids; the canonical id restores ARM's casing of the type, the key is what dedupes.
    expect(result.request.vm.id).toBe(
      '/subscriptions/5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11/resourceGroups/rg-rdp-sim/providers/Microsoft.Compute/virtualMachines/vm-1',
    );
    expect(repairInstanceId(result.request.vm.key)).toBe(repairInstanceId(VM.toLowerCase()));
    expect(result.request.approval).toBe('none');
  });

  it('ALERT_APPROVAL_DEFAULT makes alert-started repairs wait for approval before disruptive steps', () => {
    const [result] = repairRequestsFor(signal({ targets: [{ vmResourceId: VM, foundIn: 'x' }] }), {
      allowedSourceCidrs: [],
      approvalDefault: 'beforeDisruptive',
    });
    expect(result).toMatchObject({ ok: true, request: { approval: 'beforeDisruptive' } });
  });
});

describe('previousRepairVerdict (cooldown)', () => {
  const now = new Date('2026-01-05T12:00:00Z');

  it('no previous repair: nothing stands in the way', () => {
    expect(previousRepairVerdict(undefined, now, 360)).toEqual({ kind: 'none' });
  });

  it.each(['Pending', 'Running', 'ContinuedAsNew', 'Suspended'])('%s is an active repair', (runtimeStatus) => {
    expect(previousRepairVerdict({ runtimeStatus, lastUpdatedTime: '2020-01-01T00:00:00Z' }, now, 360)).toEqual({
      kind: 'active',
      runtimeStatus,
    });
  });

  it.each(['Completed', 'Failed', 'Terminated', 'Canceled'])(
    '%s within the window cools down; at the window end it is clear',
    (runtimeStatus) => {
      const endedAt = new Date(now.getTime() - 359 * 60_000);
      expect(previousRepairVerdict({ runtimeStatus, lastUpdatedTime: endedAt }, now, 360)).toEqual({
        kind: 'coolingDown',
        endedAt,
        until: new Date(endedAt.getTime() + 360 * 60_000),
        runtimeStatus,
      });
      const longAgo = new Date(now.getTime() - 360 * 60_000);
      expect(previousRepairVerdict({ runtimeStatus, lastUpdatedTime: longAgo.toISOString() }, now, 360)).toEqual({
        kind: 'cooledDown',
        endedAt: longAgo,
      });
    },
  );

  it('a cooldown of 0 never holds a VM back; an unreadable time holds it for the full window', () => {
    expect(previousRepairVerdict({ runtimeStatus: 'Completed', lastUpdatedTime: now }, now, 0).kind).toBe('cooledDown');
    expect(previousRepairVerdict({ runtimeStatus: 'Completed', lastUpdatedTime: 'garbage' }, now, 10)).toMatchObject({
      kind: 'coolingDown',
      until: new Date(now.getTime() + 600_000),
    });
  });
});
