/**
 * The five guest scripts under the real PowerShell grammar: zero syntax errors, the param() contract, the
 * result line, PowerShell 5.1 compatibility, diagnose's read-only-ness and PLAYBOOK.md's errata.
 */
import { GUEST_SCRIPT_NAMES, GUEST_SCRIPT_PARAMETERS, loadGuestScript } from '../../src/guest/scriptCatalog';
import type { GuestScriptName } from '../../src/guest/scriptContracts';
import { commandUses, parsePowerShell, scriptParamBlock, syntaxProblems } from './support/powershellSyntax';
import { checkGuestScript, READ_ONLY_COMMANDS } from './support/scriptChecks';

const names: GuestScriptName[] = [...GUEST_SCRIPT_NAMES];

describe.each(names)('%s.ps1', (name) => {
  const text = loadGuestScript(name);

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
    for (const command of ['Get-NetTCPConnection', 'Get-CimInstance', 'Get-Acl', 'Get-NetFirewallRule', 'Get-NetFirewallPortFilter', 'Get-Service']) {
      expect(used.has(command.toLowerCase())).toBe(true);
      expect(READ_ONLY_COMMANDS.has(command.toLowerCase())).toBe(true);
    }
    expect(text).toContain("'RemoteDesktop-UserMode-In-TCP'");
    expect(text).toContain("'f686aace*'");
    expect(text).toContain('GetRSAPrivateKey');
    expect(text).toContain('WinStations\\RDP-Tcp');
  });
});
