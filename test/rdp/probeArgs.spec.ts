import { parseProbeArgs, type ProbeArgs } from '../../src/rdp/probeArgs';

describe('parseProbeArgs', () => {
  it.each<[string[], ProbeArgs]>([
    [['vm1.example.net'], { kind: 'run', host: 'vm1.example.net', port: undefined, json: false, timeoutMs: undefined }],
    [['10.0.0.4', '3390'], { kind: 'run', host: '10.0.0.4', port: 3390, json: false, timeoutMs: undefined }],
    [['10.0.0.4', '--json'], { kind: 'run', host: '10.0.0.4', port: undefined, json: true, timeoutMs: undefined }],
    [['--json', '--timeout-ms', '2500', 'vm', '3389'], { kind: 'run', host: 'vm', port: 3389, json: true, timeoutMs: 2500 }],
    [['vm', '--timeout-ms=100'], { kind: 'run', host: 'vm', port: undefined, json: false, timeoutMs: 100 }],
    [['--', 'vm', '65535'], { kind: 'run', host: 'vm', port: 65535, json: false, timeoutMs: undefined }],
    [['::1', '3389'], { kind: 'run', host: '::1', port: 3389, json: false, timeoutMs: undefined }],
    [['--help'], { kind: 'help' }],
    [['vm', '-h'], { kind: 'help' }],
  ])('%j', (argv, expected) => {
    expect(parseProbeArgs(argv)).toEqual(expected);
  });

  it.each<[string[], RegExp]>([
    [[], /missing <host>/],
    [['--json'], /missing <host>/],
    [['vm', '0'], /port must be a number from 1 to 65535, not "0"/],
    [['vm', '65536'], /not "65536"/],
    [['vm', '33a'], /not "33a"/],
    [['vm', '3389', 'extra'], /unexpected argument "extra"/],
    [['vm', '--verbose'], /unknown option --verbose/],
    [['vm', '-p', '3389'], /unknown option -p/],
    [['vm', '--timeout-ms'], /--timeout-ms needs a number/],
    [['vm', '--timeout-ms', 'soon'], /not "soon"/],
    [['vm', '--timeout-ms', '0'], /not "0"/],
    [['vm', '--timeout-ms=1.5'], /not "1.5"/],
    [['vm', '--timeout-ms', '99999999999'], /not "99999999999"/],
    [['  '], /is not a host name/],
  ])('%j is refused', (argv, message) => {
    const parsed = parseProbeArgs(argv);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.message).toMatch(message);
  });
});
