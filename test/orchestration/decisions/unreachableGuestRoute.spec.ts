import type { BootDiagnosticsReading, GuestBootState } from '../../../src/domain/bootDiagnostics';
import { BOOT_SETTLE_SECONDS, unreachableGuestRoute } from '../../../src/orchestration/decisions/unreachableGuestRoute';

function reading(boot: GuestBootState, over: Partial<BootDiagnosticsReading> = {}): BootDiagnosticsReading {
  return {
    enabled: true,
    storage: 'managed',
    screenshotAvailable: true,
    serialLog: { read: true, bytes: 1200, truncated: false },
    guest: { boot, earlierStopCode: null },
    platformStatus: null,
    ...over,
  };
}

const off = reading(
  { state: 'noOutput' },
  { enabled: false, storage: null, serialLog: { read: false, reason: 'boot diagnostics are off' } },
);
const unread = reading(
  { state: 'noOutput' },
  { serialLog: { read: false, reason: 'retrieveBootDiagnosticsData was refused (403 AuthorizationFailed)' } },
);
const stop: GuestBootState = { state: 'stopError', stopCode: '0x0000007B', stopName: 'INACCESSIBLE_BOOT_DEVICE' };

const table: Array<[string, BootDiagnosticsReading, boolean, boolean, string]> = [
  ['booted, serial configured', reading({ state: 'booted' }), true, false, 'serial'],
  ['booted, serial not configured', reading({ state: 'booted' }), false, false, 'offline'],
  ['stop error, serial configured', reading(stop), true, false, 'end'],
  ['stop error, not configured', reading(stop), false, false, 'end'],
  ['stop error after the wait', reading(stop), false, true, 'end'],
  ['booting, first reading', reading({ state: 'booting', sacStarted: true }), true, false, 'wait'],
  ['booting after the wait', reading({ state: 'booting', sacStarted: true }), true, true, 'offline'],
  ['booted after the wait, serial configured', reading({ state: 'booted' }), true, true, 'serial'],
  ['boot diagnostics off: the serial console needs them', off, true, false, 'offline'],
  ['boot diagnostics off, not configured', off, false, false, 'offline'],
  ['empty serial log', reading({ state: 'noOutput' }), false, false, 'offline'],
  ['empty serial log, serial configured', reading({ state: 'noOutput' }), true, false, 'offline'],
  ['reading failed, serial configured: it may reach a booted guest', unread, true, false, 'serial'],
  ['reading failed, not configured', unread, false, false, 'offline'],
];

describe('unreachableGuestRoute', () => {
  it.each(table)('%s -> %s', (_name, r, serialConfigured, afterWait, route) => {
    expect(unreachableGuestRoute({ reading: r, serialConfigured, afterWait }).route).toBe(route);
  });

  it('names the stop code when it ends, and waits a bounded time when booting', () => {
    expect(unreachableGuestRoute({ reading: reading(stop), serialConfigured: false, afterWait: false })).toMatchObject({
      route: 'end',
      stopCode: '0x0000007B',
      stopName: 'INACCESSIBLE_BOOT_DEVICE',
    });
    const waited = unreachableGuestRoute({
      reading: reading({ state: 'booting', sacStarted: false }),
      serialConfigured: false,
      afterWait: false,
    });
    expect(waited).toEqual(expect.objectContaining({ route: 'wait', seconds: BOOT_SETTLE_SECONDS }));
    expect(BOOT_SETTLE_SECONDS).toBeLessThanOrEqual(600);
  });
});
