import { BOOT_TIME_JITTER_MS, rebootVerdict } from '../../src/orchestration/decisions/reboot';
import { guestRunName, guestRunPrefix } from '../../src/orchestration/guestRunNames';
import { parseGuestResult } from '../../src/guest/scriptResults';
import { mayHaveLeftGuestRuns } from '../../src/orchestration/steps/sweepStep';

describe('rebootVerdict', () => {
  it('a boot time that moved by more than read jitter is a reboot; one that did not is none; a missing read proves nothing', () => {
    expect(rebootVerdict('2026-01-02T03:00:00Z', '2026-01-05T03:10:00Z')).toBe('rebooted');
    expect(rebootVerdict('2026-01-02T03:00:00Z', '2026-01-02T03:00:01Z')).toBe('notRebooted');
    expect(rebootVerdict('2026-01-02T03:00:00Z', new Date(Date.parse('2026-01-02T03:00:00Z') + BOOT_TIME_JITTER_MS).toISOString())).toBe(
      'notRebooted',
    );
    expect(rebootVerdict(null, '2026-01-05T03:10:00Z')).toBe('unknown');
    expect(rebootVerdict('2026-01-02T03:00:00Z', null)).toBe('unknown');
    expect(rebootVerdict('garbage', '2026-01-05T03:10:00Z')).toBe('unknown');
  });
});

describe('run names and the sweep', () => {
  it('a repair prefix is the start instant; two repairs of one VM never share it', () => {
    const first = guestRunPrefix('2026-01-05T03:00:00.000Z');
    const later = guestRunPrefix('2026-01-05T03:00:00.001Z');
    expect(first).toMatch(/^rdpautorepair-[0-9a-z]+-$/);
    expect(first).not.toBe(later);
    expect(guestRunName(first, 3, 'boot-time')).toBe(`${first}3-boot-time`);
    expect(() => guestRunPrefix('not a date')).toThrow(RangeError);
  });

  it('sweeps only when a guest step began', () => {
    expect(mayHaveLeftGuestRuns([{ step: 'preflight', status: 'succeeded' }])).toBe(false);
    expect(mayHaveLeftGuestRuns([{ step: 'guest:diagnose', status: 'skipped' }])).toBe(false);
    expect(mayHaveLeftGuestRuns([{ step: 'guest:diagnose', status: 'failed' }])).toBe(true);
  });
});

describe('boot-time result', () => {
  it('parses the UTC instant the script prints, refuses a localized one', () => {
    expect(parseGuestResult('boot-time', 'RDPAUTOREPAIR-RESULT:{"script":"boot-time","lastBootUpTime":"2026-01-02T03:00:00Z"}\n')).toEqual({
      ok: true,
      result: { script: 'boot-time', lastBootUpTime: '2026-01-02T03:00:00Z' },
    });
    expect(
      parseGuestResult('boot-time', 'RDPAUTOREPAIR-RESULT:{"script":"boot-time","lastBootUpTime":"02.01.2026 03:00:00"}\n'),
    ).toMatchObject({ ok: false, reason: 'wrong-shape' });
    expect(
      parseGuestResult('boot-time', 'RDPAUTOREPAIR-RESULT:{"script":"boot-time","ok":false,"message":"boot-time failed: Access denied"}\n'),
    ).toEqual({ ok: false, reason: 'script-failed', detail: 'boot-time failed: Access denied' });
  });
});
