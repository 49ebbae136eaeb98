/**
 * The static checks can fail: each one is fed a deliberately broken copy of a real script (or a small script
 * text) and must flag it under the expected rule. Without this, a checker that sees nothing would "pass" the
 * real scripts too.
 */
import { loadGuestScript } from '../../src/guest/scriptCatalog';
import type { GuestScriptName } from '../../src/guest/scriptContracts';
import { parsePowerShell, syntaxProblems } from './support/powershellSyntax';
import { checkGuestScript, type Violation } from './support/scriptChecks';

/** Replaces one exact snippet of a real script; a snippet that is no longer there fails the test loudly. */
function mutate(name: GuestScriptName, find: string, replace: string): string {
  const text = loadGuestScript(name);
  const at = text.indexOf(find);
  if (at < 0) throw new Error(`mutation anchor not found in ${name}.ps1: ${find}`);
  return text.slice(0, at) + replace + text.slice(at + find.length);
}

const STOP = "$ErrorActionPreference = 'Stop'\n";

/** Adds top-level statements right after $ErrorActionPreference = 'Stop'. */
function insertAfterStop(name: GuestScriptName, code: string): string {
  return mutate(name, STOP, `${STOP}${code}\n`);
}

function rulesOf(violations: Violation[]): string[] {
  return [...new Set(violations.map((v) => v.rule))].sort();
}

type Case = [description: string, script: GuestScriptName, text: () => string, expectedRule: string];

const cases: Case[] = [
  // Syntax and PowerShell 5.1
  ['an unclosed condition', 'diagnose', () => insertAfterStop('diagnose', 'if ($x {\n  $y = 1\n}'), 'syntax'],
  [
    'a missing closing brace',
    'enable-tls',
    () => mutate('enable-tls', "        Enable-TlsServer -Version 'TLS 1.1'\n    }", "        Enable-TlsServer -Version 'TLS 1.1'\n"),
    'syntax',
  ],
  ['the ?? operator (PowerShell 7)', 'restore-group-policy', () => insertAfterStop('restore-group-policy', '$x = $y ?? 3'), 'syntax'],
  [
    'the ternary operator (PowerShell 7)',
    'restore-group-policy',
    () => insertAfterStop('restore-group-policy', '$x = $y ? 1 : 2'),
    'syntax',
  ],
  [
    'a pipeline chain && (PowerShell 7)',
    'fix-port-conflict',
    () => insertAfterStop('fix-port-conflict', 'Get-Service -Name gpsvc && Get-Date'),
    'ps51',
  ],
  [
    'ForEach-Object -Parallel (PowerShell 7)',
    'fix-port-conflict',
    () => insertAfterStop('fix-port-conflict', '$a = 1..3 | ForEach-Object -Parallel { $_ }'),
    'ps51',
  ],
  [
    'a non-ASCII character (5.1 reads BOM-less files as ANSI)',
    'enable-tls',
    () => mutate('enable-tls', '# Only on the caller', '# Only on the caller\u2019s'),
    'ascii',
  ],

  // Glued commands (errata 5 and 6)
  [
    'sc config ... sc start on one line (errata 5)',
    'enable-tls',
    () => insertAfterStop('enable-tls', 'sc.exe config gpsvc start= auto sc start gpsvc'),
    'glued',
  ],
  [
    'reg add ... /f reg unload on one line (errata 5)',
    'renew-certificate',
    () => insertAfterStop('renew-certificate', 'reg add HKLM\\X /v A /t REG_DWORD /d 1 /f reg unload HKLM\\BROKENSYSTEM'),
    'glued',
  ],
  [
    'remove-module psreadline icacls (errata 6)',
    'renew-certificate',
    () => insertAfterStop('renew-certificate', 'remove-module psreadline icacls'),
    'glued',
  ],
  [
    'remove-module psreadline at all (errata 6)',
    'renew-certificate',
    () => insertAfterStop('renew-certificate', 'Remove-Module PSReadLine'),
    'errata-6',
  ],
  ['two statements joined by ;', 'fix-port-conflict', () => insertAfterStop('fix-port-conflict', '$a = 1; $b = 2'), 'glued'],

  // Errata text patterns (code only)
  [
    'a SYSTEM.hiv hive name (errata 2)',
    'diagnose',
    () => insertAfterStop('diagnose', "$hive = 'F:\\Windows\\System32\\config\\SYSTEM.hiv'"),
    'errata-2',
  ],
  ['port 8080 (errata 1)', 'fix-port-conflict', () => insertAfterStop('fix-port-conflict', '$defaultPort = 8080'), 'errata-1'],
  [
    'a hard-coded ControlSet001 (errata 3)',
    'enable-tls',
    () =>
      mutate('enable-tls', "'SYSTEM\\CurrentControlSet\\Control\\SecurityProviders", "'SYSTEM\\ControlSet001\\Control\\SecurityProviders"),
    'errata-3',
  ],
  [
    'a hard-coded c:\\temp (errata 7)',
    'renew-certificate',
    () => insertAfterStop('renew-certificate', "$log = 'c:\\temp\\permissions.txt'"),
    'errata-7',
  ],

  // diagnose stays read-only (errata 4 and the contract)
  [
    'REG ADD in the read-only script (errata 4)',
    'diagnose',
    () =>
      insertAfterStop(
        'diagnose',
        'REG ADD "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server" /v ' +
          'Enabled /t REG_DWORD /d 1 /f',
      ),
    'read-only',
  ],
  [
    'Set-ItemProperty in diagnose',
    'diagnose',
    () => insertAfterStop('diagnose', "Set-ItemProperty -LiteralPath 'HKLM:\\X' -Name 'A' -Value 1"),
    'read-only',
  ],
  ['Restart-Service in diagnose', 'diagnose', () => insertAfterStop('diagnose', "Restart-Service -Name 'TermService'"), 'read-only'],
  [
    'a registry write through .NET in diagnose',
    'diagnose',
    () =>
      mutate(
        'diagnose',
        '$value = [string]$Text',
        "$value = [string]$Text\n    $null = [Microsoft.Win32.Registry]::LocalMachine.CreateSubKey('SOFTWARE\\x')",
      ),
    'read-only',
  ],
  [
    'a dynamic invocation in diagnose',
    'diagnose',
    () => insertAfterStop('diagnose', "$probe = { Stop-Service -Name 'TermService' }\n& $probe"),
    'read-only',
  ],

  // Errata 9, 10, 11 and forbidden commands
  [
    'TLS 1.0 enabled unconditionally (errata 10)',
    'enable-tls',
    () =>
      mutate(
        'enable-tls',
        "    Enable-TlsServer -Version 'TLS 1.2'\n",
        "    Enable-TlsServer -Version 'TLS 1.2'\n    Enable-TlsServer -Version 'TLS 1.0'\n",
      ),
    'legacy-tls',
  ],
  [
    'TLS 1.1 under an if on something else (errata 10)',
    'enable-tls',
    () => mutate('enable-tls', "if ($AllowLegacyTls -eq 'true') {", 'if ($true) {'),
    'legacy-tls',
  ],
  [
    'TLS 1.0 in the else branch of the flag (errata 10)',
    'enable-tls',
    () =>
      mutate(
        'enable-tls',
        "        Enable-TlsServer -Version 'TLS 1.1'\n    }",
        "        Enable-TlsServer -Version 'TLS 1.1'\n    }\n    else {\n        Enable-TlsServer -Version 'TLS 1.0'\n    }",
      ),
    'legacy-tls',
  ],
  [
    'sc config for gpsvc (errata 11)',
    'enable-tls',
    () => insertAfterStop('enable-tls', 'sc.exe config gpsvc start= disabled'),
    'errata-11',
  ],
  [
    'Set-Service -StartupType in enable-tls (errata 11)',
    'enable-tls',
    () => insertAfterStop('enable-tls', "Set-Service -Name 'gpsvc' -StartupType Disabled"),
    'errata-11',
  ],
  [
    'takeown /a /r over MachineKeys (errata 9)',
    'renew-certificate',
    () => insertAfterStop('renew-certificate', 'takeown /a /r /d y /f $MachineKeysDirectory'),
    'forbidden-command',
  ],
  [
    'icacls /t over the folder (errata 9)',
    'renew-certificate',
    () => mutate('renew-certificate', "/grant '*S-1-5-18:(F)'", "/t /grant '*S-1-5-18:(F)'"),
    'errata-9',
  ],
  [
    'icacls /grant:r replaces instead of adding (errata 9)',
    'renew-certificate',
    () => mutate('renew-certificate', "/grant '*S-1-5-18:(F)'", "/grant:r '*S-1-5-18:(F)'"),
    'errata-9',
  ],
  [
    'icacls on the MachineKeys folder literal (errata 9)',
    'renew-certificate',
    () =>
      mutate('renew-certificate', 'icacls.exe $keyPath /grant', "icacls.exe 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys' /grant"),
    'errata-9',
  ],
  [
    'a broader grant (Everyone) (errata 9)',
    'renew-certificate',
    () => mutate('renew-certificate', "'*S-1-5-32-544:(R)' }", "'*S-1-5-32-544:(R)' '*S-1-1-0:(F)' }"),
    'errata-9',
  ],
  // Issue 20, defect 1: Administrators full control ships on no build; the old script granted it on every VM.
  [
    'Administrators full control, an entry no build ships',
    'renew-certificate',
    () => mutate('renew-certificate', "'*S-1-5-32-544:(R)' }", "'*S-1-5-32-544:(F)' }"),
    'errata-9',
  ],
  [
    'ACLs saved somewhere else than BackupDirectory (errata 7)',
    'renew-certificate',
    () =>
      mutate(
        'renew-certificate',
        "$aclBackupPath = Join-Path $BackupDirectory ('machinekeys-acl-{0}.txt' -f $stamp)",
        "$aclBackupPath = Join-Path $env:TEMP ('machinekeys-acl-{0}.txt' -f $stamp)",
      ),
    'errata-7',
  ],
  [
    'BackupDirectory not created (errata 7)',
    'renew-certificate',
    () => mutate('renew-certificate', '$null = [System.IO.Directory]::CreateDirectory($BackupDirectory)\n', ''),
    'errata-7',
  ],
  [
    'Restart-Computer inside a fix script',
    'enable-tls',
    () => insertAfterStop('enable-tls', 'Restart-Computer -Force'),
    'forbidden-command',
  ],
  [
    'Invoke-Expression (values must not become code)',
    'fix-port-conflict',
    () => insertAfterStop('fix-port-conflict', 'Invoke-Expression ("Stop-Service " + $ServiceName)'),
    'forbidden-command',
  ],

  // The result line
  [
    'no result line at the end',
    'restore-group-policy',
    () => mutate('restore-group-policy', "Write-Output ('RDPAUTOREPAIR-RESULT:' + (ConvertTo-ResultJson -Result $result))", ''),
    'result-line',
  ],
  // Issue 20, defect 8: a result line not capped by its serialized size (what every script printed before).
  [
    'an uncapped result line',
    'enable-tls',
    () => mutate('enable-tls', '(ConvertTo-ResultJson -Result $result)', '($result | ConvertTo-Json -Compress -Depth 6)'),
    'result-line',
  ],
  ['output after the result line', 'enable-tls', () => `${loadGuestScript('enable-tls')}Write-Host 'done'\n`, 'result-line'],
  [
    'JSON without -Compress',
    'enable-tls',
    () => mutate('enable-tls', 'ConvertTo-Json -Compress -Depth 6', 'ConvertTo-Json -Depth 6'),
    'result-line',
  ],
  [
    'JSON at the default depth',
    'fix-port-conflict',
    () => mutate('fix-port-conflict', 'ConvertTo-Json -Compress -Depth 6', 'ConvertTo-Json -Compress'),
    'result-line',
  ],
  [
    'a misspelt marker',
    'diagnose',
    () => mutate('diagnose', "Write-Output ('RDPAUTOREPAIR-RESULT:'", "Write-Output ('RDPAUTOREPAIR_RESULT:'"),
    'result-line',
  ],
  [
    'no try/catch around the work',
    'restore-group-policy',
    () =>
      mutate(
        'restore-group-policy',
        '\ntry {\n    $null = Set-RecordedDword',
        '\n$ok = $true\nif ($ok) {\n    $null = Set-RecordedDword',
      ).replace(
        /\n}\ncatch \{\n {4}\$result\.ok = \$false\n {4}\$result\.message = Limit-Text -Text \('restore-group-policy failed: ' \+ \$_\.Exception\.Message\) -Max 500\n}\n/,
        '\n}\n',
      ),
    'result-line',
  ],
  [
    'no $ErrorActionPreference = Stop',
    'enable-tls',
    () => mutate('enable-tls', STOP, "$ErrorActionPreference = 'Continue'\n"),
    'result-line',
  ],

  // The result JSON against the contract (zod schemas)
  [
    'a result key in the wrong case (JSON keeps it)',
    'fix-port-conflict',
    () => mutate('fix-port-conflict', '    newPort       = $null', '    newport       = $null'),
    'result-keys',
  ],
  [
    'a result key set later that the contract lacks',
    'fix-port-conflict',
    () => mutate('fix-port-conflict', '$result.newPort = $FallbackPort', '$result.port = $FallbackPort'),
    'result-keys',
  ],
  [
    'a renamed nested diagnose field',
    'diagnose',
    () =>
      mutate(
        'diagnose',
        '        pinnedThumbprint            = $pinnedThumbprint',
        '        pinned                      = $pinnedThumbprint',
      ),
    'result-keys',
  ],
  [
    'a change record without before',
    'renew-certificate',
    () => mutate('renew-certificate', 'before = $Before; after = $After', 'previous = $Before; after = $After'),
    'result-keys',
  ],
  [
    'a result naming another script',
    'enable-tls',
    () => mutate('enable-tls', "script             = 'enable-tls'", "script             = 'enable_tls'"),
    'result-keys',
  ],

  // The param() contract
  [
    'an [int] port declared as [string]',
    'fix-port-conflict',
    () => mutate('fix-port-conflict', '[int]$RdpPort', '[string]$RdpPort'),
    'params',
  ],
  [
    'a [bool] flag (Run Command passes strings)',
    'enable-tls',
    () => mutate('enable-tls', "[ValidateSet('true', 'false')]\n    [string]$AllowLegacyTls", '[bool]$AllowLegacyTls'),
    'params',
  ],
  [
    'a renamed parameter',
    'restore-group-policy',
    () => mutate('restore-group-policy', '[int]$PreviousStart', '[int]$PreviousStartType'),
    'params',
  ],
  [
    'a missing ValidateRange',
    'fix-port-conflict',
    () => mutate('fix-port-conflict', '[ValidateRange(1, 65535)]\n    [int]$FallbackPort', '[int]$FallbackPort'),
    'params',
  ],
  [
    'a ValidatePattern that drifted from the TypeScript rule',
    'renew-certificate',
    () => mutate('renew-certificate', '{4,203}$', '{4,263}$'),
    'params',
  ],
  [
    'a parameter that is not Mandatory',
    'renew-certificate',
    () => mutate('renew-certificate', '[Parameter(Mandatory = $true)]', '[Parameter()]'),
    'params',
  ],
  ['an extra parameter', 'diagnose', () => mutate('diagnose', 'param()', 'param([string]$Extra)'), 'params'],
  ['no [CmdletBinding()]', 'diagnose', () => mutate('diagnose', '[CmdletBinding()]\n', ''), 'params'],

  // The offline script (runs on a rescue VM against the attached copy)
  [
    'offline: a parse error',
    'offline-repair',
    () =>
      mutate(
        'offline-repair',
        "    foreach ($selector in @('Current', 'Default')) {",
        "    foreach ($selector in @('Current', 'Default') {",
      ),
    'syntax',
  ],
  [
    'offline: a parameter the catalogue lacks',
    'offline-repair',
    () => mutate('offline-repair', '[int]$Generation', '[int]$HyperVGeneration'),
    'params',
  ],
  [
    'offline: a Lun range that drifted',
    'offline-repair',
    () => mutate('offline-repair', '[ValidateRange(0, 63)]', '[ValidateRange(0, 15)]'),
    'params',
  ],
  [
    'offline: a hard-coded ControlSet001 (errata 3)',
    'offline-repair',
    () => mutate('offline-repair', "$name = 'ControlSet{0:d3}' -f [int]$number", "$name = 'ControlSet001'"),
    'errata-3',
  ],
  [
    'offline: CurrentControlSet in an offline hive (errata 3)',
    'offline-repair',
    () =>
      mutate(
        'offline-repair',
        "$subKey = $controlSet + '\\Control\\Terminal Server'\n",
        "$subKey = 'CurrentControlSet\\Control\\Terminal Server'\n",
      ),
    'errata-3',
  ],
  [
    'offline: a hard-coded drive letter for the broken disk',
    'offline-repair',
    () => mutate('offline-repair', "$volumeRoot = $windowsVolumes[0].letter + ':\\'", "$volumeRoot = 'F:\\'"),
    'drive-letter',
  ],
  [
    "offline: the article's F:\\temp",
    'offline-repair',
    () => mutate('offline-repair', "$restoreDir = Join-Path $volumeRoot ('rdp-autorepair\\' + $RunId)", "$restoreDir = 'F:\\temp'"),
    'drive-letter',
  ],
  [
    'offline: a SYSTEM.hiv hive file (errata 2)',
    'offline-repair',
    () => mutate('offline-repair', "foreach ($hiveFile in @('SYSTEM', 'SOFTWARE'))", "foreach ($hiveFile in @('SYSTEM.hiv', 'SOFTWARE'))"),
    'errata-2',
  ],
  [
    'offline: bcdedit output parsed (errata 8)',
    'offline-repair',
    () => insertAfterStop('offline-repair', "$loader = (bcdedit.exe /enum | Select-String 'identifier')"),
    'localized-output',
  ],
  [
    'offline: reg query output matched',
    'offline-repair',
    () =>
      insertAfterStop('offline-repair', "$query = Invoke-Native { reg.exe query 'HKLM\\X' }\n$found = ($query.output -match 'REG_DWORD')"),
    'localized-output',
  ],
  [
    'offline: diskpart',
    'offline-repair',
    () => insertAfterStop('offline-repair', '$null = diskpart.exe /s $scriptFile'),
    'localized-output',
  ],
  [
    'offline: reg add (no typed read first)',
    'offline-repair',
    () => insertAfterStop('offline-repair', '$add = Invoke-Native { reg.exe add $key /v Enabled /t REG_DWORD /d 1 /f }'),
    'read-before-write',
  ],
  [
    'offline: a registry write without reading the old value',
    'offline-repair',
    () =>
      mutate(
        'offline-repair',
        '            $before = ConvertTo-RecordValue -Value ($key.GetValue($Name, $null, ' +
          '[Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames))\n',
        '            $before = $null\n',
      ).replace(
        '        $after = ConvertTo-RecordValue -Value ($writable.GetValue($Name, $null, ' +
          '[Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames))',
        '        $after = $Value',
      ),
    'read-before-write',
  ],
  [
    'offline: a BCD write without reading the element',
    'offline-repair',
    () =>
      mutate(
        'offline-repair',
        "    $before = Get-BcdElement -BcdObject $BcdObject -Type $Type -Property 'Boolean'\n",
        '    $before = $null\n',
      ).replace("    $after = Get-BcdElement -BcdObject $BcdObject -Type $Type -Property 'Boolean'\n", '    $after = $true\n'),
    'read-before-write',
  ],
  [
    'offline: hives not unloaded in finally',
    'offline-repair',
    () =>
      mutate(
        'offline-repair',
        "            $unload = Invoke-Native { reg.exe unload ('HKLM\\' + $hiveName) }",
        '            $unload = [ordered]@{ exitCode = 0 }',
      ),
    'hive-unload',
  ],
  [
    'offline: unload without garbage collection',
    'offline-repair',
    () => mutate('offline-repair', '            [System.GC]::Collect()\n            [System.GC]::WaitForPendingFinalizers()\n', ''),
    'hive-unload',
  ],
  [
    'offline: a fixed hive name',
    'offline-repair',
    () => mutate('offline-repair', "reg.exe load ('HKLM\\' + $hiveName) $hivePath", 'reg.exe load HKLM\\BROKENSYSTEM $hivePath'),
    'hive-name',
  ],
  [
    'offline: ACL backup outside the folder it created (errata 7)',
    'offline-repair',
    () =>
      mutate(
        'offline-repair',
        "$aclBackupPath = Join-Path $restoreDir 'machinekeys.acl'",
        "$aclBackupPath = Join-Path $env:TEMP 'machinekeys.acl'",
      ),
    'errata-7',
  ],
  [
    'offline: Administrators granted Full control (errata 9, issue 20)',
    'offline-repair',
    () => mutate('offline-repair', "$grants += ('*' + $SidAdministrators + ':(R)')", "$grants += '*S-1-5-32-544:(F)'"),
    'errata-9',
  ],
  [
    'offline: icacls /t over MachineKeys (errata 9)',
    'offline-repair',
    () => mutate('offline-repair', 'icacls.exe $keyPath /grant $grants', 'icacls.exe $keyPath /t /grant $grants'),
    'errata-9',
  ],
  [
    'offline: TLS 1.0 enabled unconditionally (errata 10)',
    'offline-repair',
    () => mutate('offline-repair', "    $versions = @('TLS 1.2')\n", "    $versions = @('TLS 1.2', 'TLS 1.0')\n"),
    'legacy-tls',
  ],
  [
    'offline: a result key the contract lacks',
    'offline-repair',
    () => mutate('offline-repair', '    omitted     = 0', '    dropped     = 0'),
    'result-keys',
  ],
  [
    'offline: a disk field the contract lacks',
    'offline-repair',
    () => mutate('offline-repair', 'signatureRestored = $null }', 'signatureRestored = $null; letter = $null }'),
    'result-keys',
  ],
];

describe('the static checks flag deliberately broken scripts', () => {
  const table = cases.map(([description, script, text, rule]) => ({ description, script, text, rule }));
  it.each(table)('$description ($script.ps1) -> $rule', async ({ script, text, rule }) => {
    const violations = await checkGuestScript(script, text());
    expect(rulesOf(violations)).toContain(rule);
    // A broken copy that no longer parses would be flagged for the wrong reason: outside the syntax cases,
    // the mutation must be valid PowerShell so that the rule under test is the one that fires.
    if (rule !== 'syntax') expect(rulesOf(violations)).not.toContain('syntax');
  });
});

describe('precision: what the checks must not flag', () => {
  it('errata words inside comments are not code', async () => {
    const text = insertAfterStop('fix-port-conflict', '# The article says 8080, SYSTEM.hiv and ControlSet001: all wrong.');
    expect(await checkGuestScript('fix-port-conflict', text)).toEqual([]);
  });

  it('TLS 1.0 inside the flag branch, with the flag variable in any case, is accepted', async () => {
    const text = mutate('enable-tls', "if ($AllowLegacyTls -eq 'true') {", "if ($allowlegacytls -eq 'true') {");
    expect(await checkGuestScript('enable-tls', text)).toEqual([]);
  });
});

describe('syntax problems are located', () => {
  it('reports the line of an ERROR node and of a MISSING token', async () => {
    const problems = syntaxProblems(await parsePowerShell("$a = 1\nif ($a -eq 1) {\n  Write-Output 'x'\n"));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => p.kind === 'MISSING' || p.kind === 'ERROR')).toBe(true);
    expect(syntaxProblems(await parsePowerShell("$a = 1\nif ($a -eq 1) {\n  Write-Output 'x'\n}\n"))).toEqual([]);
  });
});
