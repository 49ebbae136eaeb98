/**
 * The five guest scripts under the real PowerShell grammar: zero syntax errors, the param() contract, the
 * result line, PowerShell 5.1 compatibility, diagnose's read-only-ness and PLAYBOOK.md's errata.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMMON_HELPER_FILES,
  COMMON_HELPERS_MARKER,
  GUEST_SCRIPT_NAMES,
  GUEST_SCRIPT_PARAMETERS,
  loadGuestScript,
} from '../../src/guest/scriptCatalog';
import type { GuestScriptName } from '../../src/guest/scriptContracts';
import { commandUses, parsePowerShell, scriptParamBlock, syntaxProblems } from './support/powershellSyntax';
import { checkAscii, checkGluedCommands, checkGuestScript, checkPowerShell51, READ_ONLY_COMMANDS } from './support/scriptChecks';

const names: GuestScriptName[] = [...GUEST_SCRIPT_NAMES];

// Every check below reads loadGuestScript's text: the script composed with its common helpers, exactly what
// Run Command receives.
describe.each(names)('%s.ps1', (name) => {
  const text = loadGuestScript(name);

  it('is one self-contained text: no marker left, nothing dot-sourced or imported', async () => {
    expect(text).not.toContain(COMMON_HELPERS_MARKER);
    const used = commandUses((await parsePowerShell(text)).rootNode);
    const loads = used.filter((u) => (u.viaOperator && u.node.text.trimStart().startsWith('.')) || /^(import-module|ipmo)$/i.test(u.name));
    expect(loads.map((u) => u.node.text)).toEqual([]);
    expect(text).not.toMatch(/^\s*using\s+module\b/im);
  });

  it('parses with zero ERROR or MISSING nodes under the PowerShell grammar', async () => {
    const tree = await parsePowerShell(text);
    expect(syntaxProblems(tree)).toEqual([]);
    expect(tree.rootNode.hasError).toBe(false);
  });

  it('declares exactly the parameters of GUEST_SCRIPT_PARAMETERS, with their types', async () => {
    const block = scriptParamBlock(await parsePowerShell(text));
    expect(block).not.toBeNull();
    const declared = block!.parameters.map((p) => ({ name: p.name, typeName: p.typeName }));
    const expected = GUEST_SCRIPT_PARAMETERS[name].map((p) => ({ name: p.name, typeName: p.type === 'int' ? 'int' : 'string' }));
    expect(declared).toEqual(expected);
  });

  it('passes every static check (protocol, contract, PS 5.1, errata, read-only)', async () => {
    expect(await checkGuestScript(name, text)).toEqual([]);
  });
});

describe('diagnose.ps1 reads the things DiagnoseResult reports', () => {
  const text = loadGuestScript('diagnose');

  it('uses the documented sources for the listener, ACLs, certificates and firewall', async () => {
    const used = new Set(commandUses((await parsePowerShell(text)).rootNode).map((u) => u.name.toLowerCase()));
    for (const command of ['Get-NetTCPConnection', 'Get-CimInstance', 'Get-NetFirewallRule', 'Get-NetFirewallPortFilter', 'Get-Service']) {
      expect(used.has(command.toLowerCase())).toBe(true);
      expect(READ_ONLY_COMMANDS.has(command.toLowerCase())).toBe(true);
    }
    expect(text).toContain("'RemoteDesktop-UserMode-In-TCP'");
    expect(text).toContain("'f686aace*'");
    expect(text).toContain('GetRSAPrivateKey');
    expect(text).toContain('WinStations\\RDP-Tcp');
    // The certificate actually in use, as Remote Desktop's WMI provider names it (issue 20, defect 4).
    expect(text).toContain("'Win32_TSGeneralSetting'");
    expect(text).toContain("'root\\cimv2\\TerminalServices'");
    // The socket's owning service (its service tag), not the first service of a shared svchost (defect 2).
    expect(text).toContain('GetOwnerModuleFromTcpEntry');
    expect(text).toContain('GetOwnerModuleFromTcp6Entry');
    expect(text).toMatch(/\$owners = @\(Get-ListenerOwnerModules -Port \$Port\)/);
  });
});

describe.each([...COMMON_HELPER_FILES])('%s.ps1 (a helper file, never sent alone)', (file) => {
  const text = readFileSync(join(__dirname, '..', '..', 'src', 'guest', 'scripts', `${file}.ps1`), 'utf8');

  it('parses on its own, declares no param() block, and is ASCII, PS 5.1 and one statement per line', async () => {
    const tree = await parsePowerShell(text);
    expect(syntaxProblems(tree)).toEqual([]);
    expect(scriptParamBlock(tree)).toBeNull();
    expect([...checkAscii(text), ...checkPowerShell51(tree), ...checkGluedCommands(tree)]).toEqual([]);
  });

  it('holds only function definitions, assignments and comments (no work runs while helpers load)', async () => {
    const tree = await parsePowerShell(text);
    const body = tree.rootNode.namedChildren.find((c) => c?.type === 'statement_list');
    const kinds = new Set((body?.namedChildren ?? []).filter((c) => c !== null && c.type !== 'comment').map((c) => c!.type));
    for (const kind of kinds) expect(['function_statement', 'pipeline']).toContain(kind);
    const topLevelCommands = (body?.namedChildren ?? [])
      .filter((c) => c !== null && c.type === 'pipeline')
      .filter((c) => !/^\$[A-Za-z]\w*\s*=/.test(c!.text));
    expect(topLevelCommands.map((c) => c!.text)).toEqual([]);
  });
});

/** The body of `function Name { ... }` in a script text (functions here end at the first "\n}\n"). */
function functionBody(text: string, name: string): string {
  const start = text.indexOf(`function ${name} {`);
  if (start < 0) return '';
  const end = text.indexOf('\n}\n', start);
  return text.slice(start, end < 0 ? undefined : end);
}

// Issue 20: what the simulated models rely on must be in the real scripts too.
describe('fix-port-conflict.ps1 does what issue 20 asks', () => {
  const text = loadGuestScript('fix-port-conflict');

  it('disables the stopped holder through its registry Start value, recording the old one (defect 3)', () => {
    expect(functionBody(text, 'Disable-PortHolder')).toMatch(/Set-RecordedDword -SubKey \$subKey -Name 'Start' -Value 4/);
    const main = text.slice(text.lastIndexOf('\ntry {'));
    expect(main).toMatch(/if \(\$listening\) \{[\s\S]*?Disable-PortHolder -Name \$ServiceName/);
  });

  it('refuses a holder whose process hosts other services (defect 2)', () => {
    expect(text).toMatch(/elseif \(@\(\$holderProcess\.Services\)\.Count -gt 1\) \{[\s\S]*?nothing changed/);
  });

  it('undoes a half-done move: PortNumber and the firewall rules are put back in the catch (defect 5)', () => {
    const move = functionBody(text, 'Move-RdpToFallbackPort');
    expect(move).toMatch(/catch \{[\s\S]*Undo-PortMove -PortBefore \$portBefore -RulesBefore \$rulesBefore/);
    const undo = functionBody(text, 'Undo-PortMove');
    expect(undo).toContain("Set-ItemProperty -LiteralPath $RdpTcpPath -Name 'PortNumber' -Value $PortBefore");
    expect(undo).toContain("Remove-ItemProperty -LiteralPath $RdpTcpPath -Name 'PortNumber'");
    expect(undo).toContain('Set-FirewallRulePorts -RuleName $rule.Name -LocalPort $rule.LocalPorts -Enabled $rule.Enabled');
  });
});

describe('renew-certificate.ps1 does what issue 20 asks', () => {
  const text = loadGuestScript('renew-certificate');

  it("grants the build's own set, chosen by CurrentBuildNumber, and refuses to guess an unknown build (defect 1)", () => {
    expect(text).toMatch(/\$legacyEntry = \(\$buildNumber -lt \$SessionEnvEntryBuild\)/);
    expect(text).toContain('the Windows build (CurrentBuildNumber) is unreadable: nothing changed');
  });

  it('moves a container whose key still does not open aside, before the certificate goes (defect 6)', () => {
    const move = text.indexOf('Move-Item -LiteralPath $keyFile.FullName -Destination $aside');
    const remove = text.indexOf('Remove-Item -LiteralPath $certificate.PSPath');
    expect(move).toBeGreaterThan(text.indexOf('icacls.exe $keyPath /grant'));
    expect(remove).toBeGreaterThan(move);
  });

  it('treats an expired pin like a missing one (defect 4)', () => {
    expect(text).toMatch(
      /if \(\$null -eq \$pinnedPath -or \$pinnedExpired\) \{\s*[^\n]*\n[^\n]*\n\s*Remove-ItemProperty -LiteralPath \$RdpTcpPath -Name 'SSLCertificateSHA1Hash'/,
    );
  });

  it('proves an ECDSA key as well as an RSA one, with the one shared probe (defect 8)', () => {
    expect(text.split('function Test-PrivateKeyOpens {').length - 1).toBe(1);
    expect(functionBody(text, 'Test-PrivateKeyOpens')).toContain('GetECDsaPrivateKey');
  });

  it('stops when the MachineKeys folder refuses listing, instead of reading it as "no container" (defect 8)', () => {
    expect(text).toMatch(/Get-ChildItem -LiteralPath \$MachineKeysDirectory -Filter \$RdpKeyFilter -File -Force -ErrorAction Stop/);
  });
});
