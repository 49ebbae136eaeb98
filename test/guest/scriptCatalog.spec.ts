import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RESULT_MARKER } from '../../src/guest/resultProtocol';
import {
  COMMON_HELPER_FILES,
  COMMON_HELPERS_MARKER,
  GUEST_SCRIPT_NAMES,
  GuestScriptCompositionError,
  GUEST_SCRIPT_PARAMETERS,
  GuestScriptNotFoundError,
  READ_ONLY_SCRIPTS,
  guestScriptDirectories,
  commonHelpersFor,
  composeGuestScript,
  isOfflineScript,
  isReadOnlyScript,
  loadGuestScript,
  OFFLINE_SCRIPTS,
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
    for (const file of COMMON_HELPER_FILES) expect(existsSync(join(source!, `${file}.ps1`))).toBe(true);
  });

  it('refuses a name that is not a guest script', () => {
    expect(() => loadGuestScript('../../etc/passwd' as GuestScriptName)).toThrow(GuestScriptNotFoundError);
  });
});

describe('loadGuestScript composes each script with the common helpers', () => {
  const sourceDir = join(repoRoot, 'src', 'guest', 'scripts');
  const fileText = (file: string) => readFileSync(join(sourceDir, `${file}.ps1`), 'utf8').replace(/^\uFEFF/, '');

  it.each([...GUEST_SCRIPT_NAMES])('%s: the marker line is replaced by exactly its helper files, after param()', (name) => {
    const onDisk = fileText(name);
    expect(onDisk.split('\n').filter((line) => line.trimEnd() === COMMON_HELPERS_MARKER)).toHaveLength(1);
    const text = loadGuestScript(name);
    expect(text).not.toContain(COMMON_HELPERS_MARKER);
    const [before, after] = onDisk.split(`${COMMON_HELPERS_MARKER}\n`);
    expect(text.startsWith(before!)).toBe(true);
    expect(text.endsWith(after!)).toBe(true);
    expect(before).toMatch(/\bparam\s*\(/);
    for (const file of COMMON_HELPER_FILES) {
      const helper = fileText(file).replace(/\n$/, '');
      expect(text.includes(helper)).toBe(commonHelpersFor(name).includes(file));
    }
  });

  it('gives a read-only script common-read only, every other script common-read then common-write', () => {
    for (const name of GUEST_SCRIPT_NAMES) {
      expect(commonHelpersFor(name)).toEqual(isReadOnlyScript(name) ? ['common-read'] : ['common-read', 'common-write']);
    }
    expect(loadGuestScript('diagnose')).not.toMatch(/Set-RecordedDword|Add-Change|Start-ServiceBounded/);
  });

  it('keeps the script line endings around the inserted helpers', () => {
    const composed = composeGuestScript('diagnose', `param()\r\n${COMMON_HELPERS_MARKER}\r\n$x = 1\r\n`, [
      { file: 'common-read', text: '# a\n# b\n' },
    ]);
    expect(composed).toBe('param()\r\n# a\r\n# b\r\n$x = 1\r\n');
  });

  describe('fails loudly when a script on disk is not composable', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'guest-scripts-'));
      for (const file of [...GUEST_SCRIPT_NAMES, ...COMMON_HELPER_FILES])
        copyFileSync(join(sourceDir, `${file}.ps1`), join(dir, `${file}.ps1`));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const rewrite = (file: string, edit: (text: string) => string) => writeFileSync(join(dir, `${file}.ps1`), edit(fileText(file)));

    it('loads the unchanged copies exactly as from the source tree', () => {
      for (const name of GUEST_SCRIPT_NAMES) expect(loadGuestScript(name, { directories: [dir] })).toBe(loadGuestScript(name));
    });

    it('a missing marker', () => {
      rewrite('enable-tls', (text) => text.replace(`${COMMON_HELPERS_MARKER}\n`, ''));
      expect(() => loadGuestScript('enable-tls', { directories: [dir] })).toThrow(GuestScriptCompositionError);
      expect(() => loadGuestScript('enable-tls', { directories: [dir] })).toThrow(/enable-tls\.ps1 .*no line/);
      try {
        loadGuestScript('enable-tls', { directories: [dir] });
      } catch (err) {
        expect(err).toMatchObject({ script: 'enable-tls', problem: 'marker-missing' });
      }
    });

    it('a marker that is only part of a line does not count', () => {
      rewrite('diagnose', (text) => text.replace(COMMON_HELPERS_MARKER, `$x = 1 ${COMMON_HELPERS_MARKER}`));
      expect(() => loadGuestScript('diagnose', { directories: [dir] })).toThrow(GuestScriptCompositionError);
    });

    it('a repeated marker', () => {
      rewrite('diagnose', (text) => `${text}${COMMON_HELPERS_MARKER}\n`);
      expect(() => loadGuestScript('diagnose', { directories: [dir] })).toThrow(/appears 2 times/);
      try {
        loadGuestScript('diagnose', { directories: [dir] });
      } catch (err) {
        expect(err).toBeInstanceOf(GuestScriptCompositionError);
        expect(err).toMatchObject({ script: 'diagnose', problem: 'marker-repeated' });
      }
    });

    it('a marker inside a helper file', () => {
      rewrite('common-write', (text) => `${text}${COMMON_HELPERS_MARKER}\n`);
      expect(() => loadGuestScript('restore-group-policy', { directories: [dir] })).toThrow(GuestScriptCompositionError);
      // diagnose does not take common-write, so it is unaffected.
      expect(loadGuestScript('diagnose', { directories: [dir] })).toBe(loadGuestScript('diagnose'));
    });

    it('a missing helper file', () => {
      rmSync(join(dir, 'common-read.ps1'));
      expect(() => loadGuestScript('diagnose', { directories: [dir] })).toThrow(GuestScriptNotFoundError);
      expect(() => loadGuestScript('diagnose', { directories: [dir] })).toThrow(/common-read\.ps1 not found/);
    });
  });
});

describe('GUEST_SCRIPT_PARAMETERS', () => {
  it('mirrors the *Params interfaces in declaration order', () => {
    expect(GUEST_SCRIPT_PARAMETERS).toEqual({
      diagnose: [],
      'boot-time': [],
      'fix-port-conflict': [
        { name: 'ServiceName', type: 'string' },
        { name: 'RdpPort', type: 'int' },
        { name: 'FallbackPort', type: 'int' },
      ],
      'renew-certificate': [{ name: 'BackupDirectory', type: 'string' }],
      'enable-tls': [{ name: 'AllowLegacyTls', type: 'bool' }],
      'restore-group-policy': [{ name: 'PreviousStart', type: 'int' }],
      'offline-repair': [
        { name: 'Lun', type: 'int' },
        { name: 'DiskSizeGiB', type: 'int' },
        { name: 'Generation', type: 'int' },
        { name: 'RunId', type: 'string' },
        { name: 'DetectOnly', type: 'bool' },
        { name: 'AllowLegacyTls', type: 'bool' },
      ],
    });
    expect(Object.isFrozen(GUEST_SCRIPT_PARAMETERS['fix-port-conflict'])).toBe(true);
  });

  it('marks only diagnose and boot-time as read-only', () => {
    expect(READ_ONLY_SCRIPTS).toEqual(['diagnose', 'boot-time']);
    expect(GUEST_SCRIPT_NAMES.filter(isReadOnlyScript)).toEqual(['diagnose', 'boot-time']);
  });

  it('marks only offline-repair as running on a rescue VM', () => {
    expect(OFFLINE_SCRIPTS).toEqual(['offline-repair']);
    expect(GUEST_SCRIPT_NAMES.filter(isOfflineScript)).toEqual(['offline-repair']);
  });
});
