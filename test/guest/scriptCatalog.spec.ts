import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RESULT_MARKER } from '../../src/guest/resultProtocol';
import {
  GUEST_SCRIPT_NAMES,
  GUEST_SCRIPT_PARAMETERS,
  GuestScriptNotFoundError,
  READ_ONLY_SCRIPTS,
  guestScriptDirectories,
  isReadOnlyScript,
  loadGuestScript,
} from '../../src/guest/scriptCatalog';
import type { GuestScriptName } from '../../src/guest/scriptContracts';

const repoRoot = resolve(__dirname, '..', '..');

describe('loadGuestScript', () => {
  it.each([...GUEST_SCRIPT_NAMES])('loads %s.ps1 from src/guest/scripts', (name) => {
    const text = loadGuestScript(name);
    expect(text).toContain(RESULT_MARKER);
    expect(text).toMatch(new RegExp(`script\\s*=\\s*'${name}'`));
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('finds the source scripts from the compiled location (tsc does not copy .ps1 into dist/)', () => {
    const [beside, source] = guestScriptDirectories(join(repoRoot, 'dist', 'src', 'guest'));
    expect(beside).toBe(join(repoRoot, 'dist', 'src', 'guest', 'scripts'));
    expect(source).toBe(join(repoRoot, 'src', 'guest', 'scripts'));
    for (const name of GUEST_SCRIPT_NAMES) expect(existsSync(join(source!, `${name}.ps1`))).toBe(true);
  });

  it('refuses a name that is not a guest script', () => {
    expect(() => loadGuestScript('../../etc/passwd' as GuestScriptName)).toThrow(GuestScriptNotFoundError);
  });
});

describe('GUEST_SCRIPT_PARAMETERS', () => {
  it('mirrors the *Params interfaces in declaration order', () => {
    expect(GUEST_SCRIPT_PARAMETERS).toEqual({
      diagnose: [],
      'fix-port-conflict': [
        { name: 'ServiceName', type: 'string' },
        { name: 'RdpPort', type: 'int' },
        { name: 'FallbackPort', type: 'int' },
      ],
      'renew-certificate': [{ name: 'BackupDirectory', type: 'string' }],
      'enable-tls': [{ name: 'AllowLegacyTls', type: 'bool' }],
      'restore-group-policy': [{ name: 'PreviousStart', type: 'int' }],
    });
    expect(Object.isFrozen(GUEST_SCRIPT_PARAMETERS['fix-port-conflict'])).toBe(true);
  });

  it('marks only diagnose as read-only', () => {
    expect(READ_ONLY_SCRIPTS).toEqual(['diagnose']);
    expect(GUEST_SCRIPT_NAMES.filter(isReadOnlyScript)).toEqual(['diagnose']);
  });
});
