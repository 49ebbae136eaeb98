/**
 * The serial log classifier, as a table over what Windows writes to COM1: the simulated guest's texts for each
 * boot state (sourced in src/simulator/guest/serialLog.ts) and hand-written edge cases (a log cut mid-element, a
 * crash then a reboot, garbage, a stop code in another spelling).
 */
import type { GuestBootState } from '../../src/domain/bootDiagnostics';
import { classifySerialLog, normaliseStopCode } from '../../src/guest/serialLogClassifier';
import { serialOutputOfBoot, type SerialIdentity } from '../../src/simulator/guest/serialLog';

const id: SerialIdentity = {
  computerName: 'WEB01',
  build: 20348,
  caption: 'Microsoft Windows Server 2022 Datacenter',
  guid: '0'.repeat(8),
};
const booted = serialOutputOfBoot('booted', id);
const updates = serialOutputOfBoot('booting-updates', id);
const crash = (code: string) => serialOutputOfBoot({ bugcheck: code }, id);

const cases: Array<[string, string, GuestBootState, string | null]> = [
  ['empty log', '', { state: 'noOutput' }, null],
  ['only whitespace and NULs', '\r\n\0\0  \r\n', { state: 'noOutput' }, null],
  ['booted with SAC and its command channel', booted, { state: 'booted' }, null],
  ['SAC started, command channel not yet available (applying updates or starting)', updates, { state: 'booting', sacStarted: true }, null],
  [
    'boot manager output only, no SAC yet',
    'Windows Boot Manager\r\nStarting Windows...\r\n',
    { state: 'booting', sacStarted: false },
    null,
  ],
  ['garbage bytes', '\u00ff\u00fe\u0001\u0002garbage\u001b[2J', { state: 'booting', sacStarted: false }, null],
  [
    'a stop error before SAC starts',
    crash('0x7B'),
    { state: 'stopError', stopCode: '0x0000007B', stopName: 'INACCESSIBLE_BOOT_DEVICE' },
    null,
  ],
  [
    'a stop error after a good boot',
    booted + crash('0xEF'),
    { state: 'stopError', stopCode: '0x000000EF', stopName: 'CRITICAL_PROCESS_DIED' },
    null,
  ],
  [
    'the same stop error at every boot',
    crash('0x7B') + crash('0x7B'),
    { state: 'stopError', stopCode: '0x0000007B', stopName: 'INACCESSIBLE_BOOT_DEVICE' },
    null,
  ],
  ['an unlisted stop code is named by number', crash('0x1234ABCD'), { state: 'stopError', stopCode: '0x1234ABCD', stopName: null }, null],
  ['a crash, then a reboot that came up', crash('0xEF') + booted, { state: 'booted' }, '0x000000EF'],
  ['a crash, then a reboot still starting', crash('0x50') + updates, { state: 'booting', sacStarted: true }, '0x00000050'],
  [
    'a BP cut before its STOPCODE (the tail began mid-element)',
    '<INSTANCE CLASSNAME="BLUESCREEN">\r\n</INSTANCE>\r\n</BP>\r\n!SAC>',
    { state: 'stopError', stopCode: null, stopName: null },
    null,
  ],
  ['the !SAC> prompt alone is not a ready SAC', '\r\n!SAC>', { state: 'booting', sacStarted: false }, null],
  [
    'a tail that begins after machine-info, with the prompt and the CMD event',
    '\r\nSAC>\r\nEVENT: The CMD command is now available.\r\nSAC>',
    { state: 'booted' },
    null,
  ],
];

describe('classifySerialLog', () => {
  it.each(cases)('%s', (_name, text, boot, earlier) => {
    expect(classifySerialLog(text)).toEqual({ boot, earlierStopCode: earlier });
  });

  it.each([
    ['0x7B', '0x0000007B'],
    ['0x7b', '0x0000007B'],
    ['0x0000007B', '0x0000007B'],
    ['0xc000021a', '0xC000021A'],
  ])('normalises %s to %s', (raw, code) => {
    expect(normaliseStopCode(raw)).toBe(code);
  });
});
