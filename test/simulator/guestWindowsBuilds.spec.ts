/**
 * The simulated Windows per build (src/simulator/guest/windowsBuilds.ts) and the demo's --windows-build flag:
 * the guest a scenario gets is the healthy marketplace image of that build, as the sources measured it.
 */
import { parseDemoArgs } from '../../src/simulator/demo';
import { SimulatedWindowsGuest } from '../../src/simulator/guest';
import { DEFAULT_WINDOWS_BUILD, WINDOWS_BUILDS, windowsBuildDefaults } from '../../src/simulator/guest/windowsBuilds';
import { findScenario, onWindowsBuild } from '../../src/simulator/scenarios/catalog';

const NOW = Date.UTC(2026, 0, 5, 3);

describe('the per-build table', () => {
  it('covers at least 14393, 17763, 20348 and 26100, with 20348 as the default', () => {
    expect([...WINDOWS_BUILDS]).toEqual(expect.arrayContaining([14393, 17763, 20348, 26100]));
    expect(DEFAULT_WINDOWS_BUILD).toBe(20348);
  });

  it('key containers: SYSTEM F and NETWORK SERVICE R everywhere; Administrators R up to 14393, SessionEnv F from 17763', () => {
    for (const build of WINDOWS_BUILDS) {
      const acl = windowsBuildDefaults(build).keyContainerAcl;
      expect(acl).toEqual(
        build < 17763
          ? { system: 'F', networkService: 'R', administrators: 'R', sessionEnv: '-' }
          : { system: 'F', networkService: 'R', administrators: '-', sessionEnv: 'F' },
      );
    }
  });

  it('RDP services start Manual on every build; only 14393 shares their svchost with other services', () => {
    for (const build of WINDOWS_BUILDS) {
      const guest = new SimulatedWindowsGuest({ windowsBuild: build }, { nowMs: NOW });
      for (const name of ['TermService', 'SessionEnv', 'UmRdpService']) expect(guest.service(name)?.start).toBe(3);
      const termPid = guest.service('TermService')!.processId;
      const siblings = guest.read().services.filter((s) => s.processId === termPid && s.name !== 'TermService');
      expect(siblings.length > 0).toBe(build === 14393);
    }
  });

  it('a VM size under 3.5 GB groups services on a split build too', () => {
    const guest = new SimulatedWindowsGuest({ windowsBuild: 20348, svchostSplit: false }, { nowMs: NOW });
    const termPid = guest.service('TermService')!.processId;
    expect(guest.read().services.filter((s) => s.processId === termPid).length).toBeGreaterThan(1);
  });

  it('each build reads as its own image (caption, build, NLA, legacy TLS default)', () => {
    for (const build of WINDOWS_BUILDS) {
      const state = new SimulatedWindowsGuest({ windowsBuild: build }, { nowMs: NOW }).read();
      const row = windowsBuildDefaults(build);
      expect(state.os).toEqual({ caption: row.caption, build: row.buildWithUbr });
      expect(state.os.build.startsWith(`${build}.`)).toBe(true);
      expect(state.rdpTcp).toMatchObject({ securityLayer: row.nla.securityLayer, userAuthentication: 1, allowSecProtocolNegotiation: 1 });
      expect(state.osDefaultEnabled['TLS 1.0']).toBe(row.legacyTlsEnabledByDefault);
    }
  });

  it('a scenario moved to another build keeps its faults', () => {
    const scenario = onWindowsBuild(findScenario('tls-disabled')!, 14393);
    const seeded = scenario.seed({ addVmWithNetwork: () => ({ vm: { id: 'vm' } }) } as never, {} as never);
    expect(seeded.guest).toMatchObject({ windowsBuild: 14393, tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } });
  });
});

describe('npm run demo -- --windows-build N', () => {
  it('takes a known build, in both spellings, and defaults to 20348', () => {
    expect(parseDemoArgs([])).toMatchObject({ ok: true, args: { windowsBuild: 20348 } });
    expect(parseDemoArgs(['--windows-build', '14393'])).toMatchObject({ ok: true, args: { windowsBuild: 14393 } });
    expect(parseDemoArgs(['--windows-build=26100'])).toMatchObject({ ok: true, args: { windowsBuild: 26100 } });
  });

  it.each([['9600'], ['abc'], ['14393.1'], ['']])('refuses %j with the list of builds', (value) => {
    expect(parseDemoArgs(['--windows-build', value])).toEqual({
      ok: false,
      message: '--windows-build needs one of 14393, 17763, 20348, 26100',
    });
  });

  it('refuses the flag without a value', () => {
    expect(parseDemoArgs(['--windows-build'])).toEqual({ ok: false, message: '--windows-build needs one of 14393, 17763, 20348, 26100' });
  });
});
