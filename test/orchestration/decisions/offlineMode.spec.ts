import { readOfflineSettings } from '../../../src/domain/offlineRepair';
import {
  askForOfflineAdvice,
  offlineAfterOnline,
  offlineBeforeOnline,
  offlineModeFor,
  offlineWouldHelp,
} from '../../../src/orchestration/decisions/offlineMode';

const http = { kind: 'http' } as const;
const alert = { kind: 'alert', alertId: 'a1' } as const;
const defaults = { offlineRepairDefault: 'never', alertOfflineRepair: 'never' } as const;

describe('readOfflineSettings', () => {
  it('defaults both modes to never, like AllowOffline=False', () => {
    expect(readOfflineSettings({})).toEqual(defaults);
    expect(readOfflineSettings({ OFFLINE_REPAIR_DEFAULT: ' ', ALERT_OFFLINE_REPAIR: '' })).toEqual(defaults);
  });

  it('reads each mode, case-insensitively', () => {
    expect(readOfflineSettings({ OFFLINE_REPAIR_DEFAULT: 'Auto', ALERT_OFFLINE_REPAIR: 'only' })).toEqual({
      offlineRepairDefault: 'auto',
      alertOfflineRepair: 'only',
    });
  });

  it('names the setting and the allowed values for a bad one', () => {
    expect(() => readOfflineSettings({ ALERT_OFFLINE_REPAIR: 'yes' })).toThrow(
      /ALERT_OFFLINE_REPAIR must be one of never, auto, only, got 'yes'/,
    );
  });
});

describe('offlineModeFor', () => {
  it.each([
    ['the request field wins for HTTP', 'only', http, 'repair', { ...defaults, offlineRepairDefault: 'auto' }, 'only', 'request'],
    [
      'an HTTP request that does not say takes OFFLINE_REPAIR_DEFAULT',
      undefined,
      http,
      'repair',
      { ...defaults, offlineRepairDefault: 'auto' },
      'auto',
      'OFFLINE_REPAIR_DEFAULT',
    ],
    [
      'an alert takes ALERT_OFFLINE_REPAIR',
      undefined,
      alert,
      'repair',
      { ...defaults, alertOfflineRepair: 'auto' },
      'auto',
      'ALERT_OFFLINE_REPAIR',
    ],
    ['a diagnosis never goes offline', 'only', http, 'diagnose', defaults, 'never', 'diagnose'],
    ['missing settings (an older input) mean never', undefined, http, 'repair', undefined, 'never', 'OFFLINE_REPAIR_DEFAULT'],
  ] as const)('%s', (_name, requested, source, repairMode, settings, mode, from) => {
    expect(offlineModeFor(requested, source, repairMode, settings)).toEqual({ mode, from });
  });
});

describe('offline routing', () => {
  const unreachable = { guestUnreachable: true, onlineFixesApplied: false, verdict: 'broken' } as const;
  const fixedStillBroken = { guestUnreachable: false, onlineFixesApplied: true, verdict: 'broken' } as const;

  it.each([
    ['guest unreachable', unreachable, true],
    ['fixes applied, still broken', fixedStillBroken, true],
    ['fixes applied, probe unreachable (says nothing about the guest)', { ...fixedStillBroken, verdict: 'unreachable' }, false],
    ['fixes applied, inconclusive', { ...fixedStillBroken, verdict: 'inconclusive' }, false],
    ['no fixes applied, broken (nothing tried online)', { ...fixedStillBroken, onlineFixesApplied: false }, false],
    ['fixes applied, healthy', { ...fixedStillBroken, verdict: 'healthy' }, false],
  ] as const)('offline would help: %s -> %s', (_name, facts, expected) => {
    expect(offlineWouldHelp(facts)).toBe(expected);
  });

  it('only `only` skips the online phase', () => {
    expect(offlineBeforeOnline('only')).toMatchObject({ run: true, skipOnline: true });
    expect(offlineBeforeOnline('auto').run).toBe(false);
    expect(offlineBeforeOnline('never').run).toBe(false);
  });

  it('`auto` goes offline after the online phase only where it would help; `never` never does', () => {
    expect(offlineAfterOnline('auto', unreachable)).toMatchObject({ run: true, why: /could not be reached/ });
    expect(offlineAfterOnline('auto', fixedStillBroken)).toMatchObject({ run: true, why: /still broken/ });
    expect(offlineAfterOnline('auto', { ...fixedStillBroken, verdict: 'inconclusive' }).run).toBe(false);
    expect(offlineAfterOnline('never', unreachable).run).toBe(false);
    expect(offlineAfterOnline('only', unreachable).run).toBe(false);
  });

  it('advises how to ask for offline only where it would help and was not asked', () => {
    expect(askForOfflineAdvice({ mode: 'never', from: 'OFFLINE_REPAIR_DEFAULT' }, unreachable)).toMatch(/"offline": "auto"/);
    expect(askForOfflineAdvice({ mode: 'never', from: 'ALERT_OFFLINE_REPAIR' }, unreachable)).toMatch(/ALERT_OFFLINE_REPAIR=auto/);
    expect(askForOfflineAdvice({ mode: 'auto', from: 'request' }, unreachable)).toBeNull();
    expect(askForOfflineAdvice({ mode: 'never', from: 'diagnose' }, unreachable)).toBeNull();
    expect(askForOfflineAdvice({ mode: 'never', from: 'request' }, { ...fixedStillBroken, verdict: 'healthy' })).toBeNull();
  });
});
