import { GuestScriptParameterError, PARAMETER_RULES, toRunCommandParameters } from '../../src/guest/scriptParameters';
import type { GuestScriptName, GuestScripts } from '../../src/guest/scriptContracts';

type AnyCall = { [N in GuestScriptName]: [N, GuestScripts[N]['params']] }[GuestScriptName];

/** Bypasses the static types, as a value read from JSON at run time would. */
function callUntyped(name: GuestScriptName, params: unknown) {
  return toRunCommandParameters(name, params as never);
}

describe('toRunCommandParameters: valid values become Run Command string pairs', () => {
  const valid: [AnyCall, { name: string; value: string }[]][] = [
    [['diagnose', {}], []],
    [
      ['fix-port-conflict', { ServiceName: 'W3SVC', RdpPort: 3389, FallbackPort: 3390 }],
      [
        { name: 'ServiceName', value: 'W3SVC' },
        { name: 'RdpPort', value: '3389' },
        { name: 'FallbackPort', value: '3390' },
      ],
    ],
    [
      ['fix-port-conflict', { ServiceName: 'MSSQL_x.y-1', RdpPort: 1, FallbackPort: 65535 }],
      [
        { name: 'ServiceName', value: 'MSSQL_x.y-1' },
        { name: 'RdpPort', value: '1' },
        { name: 'FallbackPort', value: '65535' },
      ],
    ],
    [
      ['renew-certificate', { BackupDirectory: 'C:\\rdp-autorepair\\backup' }],
      [{ name: 'BackupDirectory', value: 'C:\\rdp-autorepair\\backup' }],
    ],
    [['renew-certificate', { BackupDirectory: 'D:\\b' }], [{ name: 'BackupDirectory', value: 'D:\\b' }]],
    [
      ['renew-certificate', { BackupDirectory: 'C:\\ProgramData\\rdp-autorepair\\backup.1' }],
      [{ name: 'BackupDirectory', value: 'C:\\ProgramData\\rdp-autorepair\\backup.1' }],
    ],
    [['renew-certificate', { BackupDirectory: `C:\\${'a'.repeat(200)}` }], [{ name: 'BackupDirectory', value: `C:\\${'a'.repeat(200)}` }]],
    [['enable-tls', { AllowLegacyTls: false }], [{ name: 'AllowLegacyTls', value: 'false' }]],
    [['enable-tls', { AllowLegacyTls: true }], [{ name: 'AllowLegacyTls', value: 'true' }]],
    [['restore-group-policy', { PreviousStart: 2 }], [{ name: 'PreviousStart', value: '2' }]],
    [['restore-group-policy', { PreviousStart: 4 }], [{ name: 'PreviousStart', value: '4' }]],
    [
      [
        'offline-repair',
        { Lun: 0, DiskSizeGiB: 127, Generation: 2, RunId: 'rep-2026-01-05-a1b2', DetectOnly: true, AllowLegacyTls: false },
      ],
      [
        { name: 'Lun', value: '0' },
        { name: 'DiskSizeGiB', value: '127' },
        { name: 'Generation', value: '2' },
        { name: 'RunId', value: 'rep-2026-01-05-a1b2' },
        { name: 'DetectOnly', value: 'true' },
        { name: 'AllowLegacyTls', value: 'false' },
      ],
    ],
  ];
  it.each(valid)('%j', ([name, params], expected) => {
    expect(callUntyped(name, params)).toEqual(expected);
  });
});

describe('toRunCommandParameters: invalid values throw GuestScriptParameterError naming the parameter', () => {
  const good = { ServiceName: 'W3SVC', RdpPort: 3389, FallbackPort: 3390 };
  const offline = { Lun: 2, DiskSizeGiB: 127, Generation: 1, RunId: 'r1', DetectOnly: false, AllowLegacyTls: false };
  const invalid: [string, GuestScriptName, unknown, string | null][] = [
    ['a service name with a command after it', 'fix-port-conflict', { ...good, ServiceName: 'W3SVC; Stop-Computer' }, 'ServiceName'],
    ['a service name with a space', 'fix-port-conflict', { ...good, ServiceName: 'World Wide Web' }, 'ServiceName'],
    ['a service name with a quote', 'fix-port-conflict', { ...good, ServiceName: "W3SVC'" }, 'ServiceName'],
    ['a wildcard service name', 'fix-port-conflict', { ...good, ServiceName: 'W3*' }, 'ServiceName'],
    ['an empty service name', 'fix-port-conflict', { ...good, ServiceName: '' }, 'ServiceName'],
    ['a 257-character service name', 'fix-port-conflict', { ...good, ServiceName: 'a'.repeat(257) }, 'ServiceName'],
    ['a service name with a newline', 'fix-port-conflict', { ...good, ServiceName: 'W3SVC\n' }, 'ServiceName'],
    ['port 0', 'fix-port-conflict', { ...good, RdpPort: 0 }, 'RdpPort'],
    ['port 65536', 'fix-port-conflict', { ...good, FallbackPort: 65536 }, 'FallbackPort'],
    ['a fractional port', 'fix-port-conflict', { ...good, RdpPort: 3389.5 }, 'RdpPort'],
    ['NaN as a port', 'fix-port-conflict', { ...good, RdpPort: Number.NaN }, 'RdpPort'],
    ['a port given as a string', 'fix-port-conflict', { ...good, RdpPort: '3389' }, 'RdpPort'],
    ['the fallback port equal to the RDP port', 'fix-port-conflict', { ...good, FallbackPort: 3389 }, 'FallbackPort'],
    ['a missing parameter', 'fix-port-conflict', { ServiceName: 'W3SVC', RdpPort: 3389 }, 'FallbackPort'],
    ['an unknown parameter', 'fix-port-conflict', { ...good, Force: true }, 'Force'],
    ['any parameter for diagnose', 'diagnose', { Verbose: true }, 'Verbose'],
    ['LUN 64', 'offline-repair', { ...offline, Lun: 64 }, 'Lun'],
    ['generation 3', 'offline-repair', { ...offline, Generation: 3 }, 'Generation'],
    ['a 0 GiB disk', 'offline-repair', { ...offline, DiskSizeGiB: 0 }, 'DiskSizeGiB'],
    ['a run id with a backslash (it becomes a hive and folder name)', 'offline-repair', { ...offline, RunId: 'a\\b' }, 'RunId'],
    ['a run id with a space', 'offline-repair', { ...offline, RunId: 'a b' }, 'RunId'],
    ['a 37-character run id', 'offline-repair', { ...offline, RunId: 'a'.repeat(37) }, 'RunId'],
    ['detect-only as a string', 'offline-repair', { ...offline, DetectOnly: 'true' }, 'DetectOnly'],
    ['a relative backup directory', 'renew-certificate', { BackupDirectory: 'backup\\acl' }, 'BackupDirectory'],
    ['a UNC backup directory', 'renew-certificate', { BackupDirectory: '\\\\server\\share' }, 'BackupDirectory'],
    ['a drive-relative backup directory', 'renew-certificate', { BackupDirectory: 'C:backup' }, 'BackupDirectory'],
    ['a backup directory with a double quote', 'renew-certificate', { BackupDirectory: 'C:\\a"b' }, 'BackupDirectory'],
    ['a backup directory with a single quote', 'renew-certificate', { BackupDirectory: "C:\\a'b" }, 'BackupDirectory'],
    ['a backup directory with a newline', 'renew-certificate', { BackupDirectory: 'C:\\a\nb' }, 'BackupDirectory'],
    ['a backup directory with a wildcard', 'renew-certificate', { BackupDirectory: 'C:\\a*' }, 'BackupDirectory'],
    ['a backup directory with a stream colon', 'renew-certificate', { BackupDirectory: 'C:\\a:b' }, 'BackupDirectory'],
    ['a backup directory with a pipe', 'renew-certificate', { BackupDirectory: 'C:\\a|b' }, 'BackupDirectory'],
    // Issue 20, defect 7: what Run Command's command line splits or cmd.exe interprets, and what is not needed.
    ['a backup directory with a space', 'renew-certificate', { BackupDirectory: 'C:\\Program Files\\rdp autorepair' }, 'BackupDirectory'],
    ['a backup directory with an ampersand', 'renew-certificate', { BackupDirectory: 'C:\\a&calc' }, 'BackupDirectory'],
    ['a backup directory with a percent sign', 'renew-certificate', { BackupDirectory: 'C:\\%TEMP%' }, 'BackupDirectory'],
    ['a backup directory with a caret', 'renew-certificate', { BackupDirectory: 'C:\\a^b' }, 'BackupDirectory'],
    ['a backup directory with parentheses', 'renew-certificate', { BackupDirectory: 'C:\\a(b)' }, 'BackupDirectory'],
    ['a backup directory with an exclamation mark', 'renew-certificate', { BackupDirectory: 'C:\\a!b' }, 'BackupDirectory'],
    ['a backup directory with a redirection', 'renew-certificate', { BackupDirectory: 'C:\\a>b' }, 'BackupDirectory'],
    ['a backup directory that climbs up', 'renew-certificate', { BackupDirectory: 'C:\\ProgramData\\..\\Windows' }, 'BackupDirectory'],
    ['a drive root as backup directory', 'renew-certificate', { BackupDirectory: 'D:\\' }, 'BackupDirectory'],
    ['a backup directory with an empty name', 'renew-certificate', { BackupDirectory: 'C:\\a\\\\b' }, 'BackupDirectory'],
    ['a backup directory too long for MAX_PATH', 'renew-certificate', { BackupDirectory: `C:\\${'a'.repeat(201)}` }, 'BackupDirectory'],
    ['a boolean given as the string "true"', 'enable-tls', { AllowLegacyTls: 'true' }, 'AllowLegacyTls'],
    ['a boolean given as 1', 'enable-tls', { AllowLegacyTls: 1 }, 'AllowLegacyTls'],
    ['a missing boolean', 'enable-tls', {}, 'AllowLegacyTls'],
    ['start type 1 (drivers only)', 'restore-group-policy', { PreviousStart: 1 }, 'PreviousStart'],
    ['start type 5', 'restore-group-policy', { PreviousStart: 5 }, 'PreviousStart'],
    ['start type null', 'restore-group-policy', { PreviousStart: null }, 'PreviousStart'],
    ['parameters that are not an object', 'restore-group-policy', 'PreviousStart=2', null],
    ['parameters as an array', 'diagnose', [], null],
  ];
  it.each(invalid)('%s', (_description, name, params, parameter) => {
    let thrown: unknown;
    try {
      callUntyped(name, params);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(GuestScriptParameterError);
    const error = thrown as GuestScriptParameterError;
    expect(error.name).toBe('GuestScriptParameterError');
    expect(error.script).toBe(name);
    expect(error.parameter).toBe(parameter);
    expect(error.message).toContain(name);
  });
});

describe('PARAMETER_RULES', () => {
  it('give every port a 1-65535 range and every string parameter a pattern', () => {
    expect(PARAMETER_RULES['fix-port-conflict'].RdpPort).toEqual({ kind: 'range', min: 1, max: 65535 });
    expect(PARAMETER_RULES['fix-port-conflict'].FallbackPort).toEqual({ kind: 'range', min: 1, max: 65535 });
    expect(PARAMETER_RULES['fix-port-conflict'].ServiceName?.kind).toBe('pattern');
    expect(PARAMETER_RULES['renew-certificate'].BackupDirectory?.kind).toBe('pattern');
  });
});
