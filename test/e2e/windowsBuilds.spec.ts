/**
 * Every scenario on every simulated Windows build (src/simulator/guest/windowsBuilds.ts): it ends as it does on
 * the default build, with the same number of VM restarts, and a single-fault scenario changes only what its
 * fault needs (issue 20: e.g. tls-disabled touches no certificate and no MachineKeys ACL, and restarts once).
 * One plain run each (the idempotence and fault-injection variants live in scenarios.spec.ts), so the whole
 * file stays well under a minute.
 */
import { SCENARIOS, findScenario, onWindowsBuild } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { WINDOWS_BUILDS, type WindowsBuild } from '../../src/simulator/guest/windowsBuilds';

/** What a recorded change is about, from the property the guest scripts write into the status. */
type Kind = 'nsg' | 'machinekeys-acl' | 'key-container' | 'certificate' | 'pin' | 'schannel' | 'gpsvc' | 'rdp-port' | 'service-start';

function kindOf(change: { resourceId: string; property: string }): Kind | 'action' | 'other' {
  const p = change.property;
  if (!/\/guest$/i.test(change.resourceId)) return 'nsg';
  if (p === 'action') return 'action';
  if (/\\MachineKeys\\f686aace[^\\]*\\ACL$/i.test(p)) return 'machinekeys-acl';
  if (/\\KeyContainer$/.test(p)) return 'key-container';
  if (/^Cert:\\/i.test(p)) return 'certificate';
  if (/\\SSLCertificateSHA1Hash$/.test(p)) return 'pin';
  if (/\\SCHANNEL\\/i.test(p)) return 'schannel';
  if (/\\Services\\gpsvc\\Start$|\\SOFTWARE\\rdp-autorepair\\/i.test(p)) return 'gpsvc';
  if (/\\PortNumber$|^FirewallRule:/i.test(p)) return 'rdp-port';
  if (/\\Services\\[^\\]+\\Start$/i.test(p)) return 'service-start';
  return 'other';
}

/** What each single-fault scenario may change, and how many restarts it takes, on every build. */
const ALLOWED: Record<string, { kinds: Kind[]; restarts: number }> = {
  healthy: { kinds: [], restarts: 0 },
  'nsg-open-to-world': { kinds: ['nsg'], restarts: 0 },
  'port-conflict': { kinds: ['service-start'], restarts: 0 },
  'port-conflict-unstoppable': { kinds: ['rdp-port', 'nsg'], restarts: 0 },
  'port-held-by-shared-svchost': { kinds: [], restarts: 0 },
  'corrupt-certificate': { kinds: ['certificate', 'key-container'], restarts: 1 },
  'corrupt-key-container': { kinds: ['certificate', 'key-container'], restarts: 1 },
  'machinekeys-acl': { kinds: ['machinekeys-acl', 'certificate'], restarts: 1 },
  'pinned-cert-expired': { kinds: ['pin', 'certificate'], restarts: 1 },
  'tls-disabled': { kinds: ['schannel', 'gpsvc'], restarts: 1 },
  'unknown-cause': { kinds: ['certificate'], restarts: 1 },
  unrepairable: { kinds: ['machinekeys-acl', 'certificate'], restarts: 1 },
};

const cases = WINDOWS_BUILDS.flatMap((build) => SCENARIOS.map((s) => [build, s.name, s.expectedOutcome] as const));

async function runOn(build: WindowsBuild, name: string) {
  const app = await SimulatedRepairApp.start();
  try {
    const seeded = await app.addScenario(onWindowsBuild(findScenario(name)!, build));
    const { status } = await app.runRepair(seeded.request);
    return status;
  } finally {
    await app.close();
  }
}

describe('every scenario on every simulated Windows build', () => {
  it.each(cases)('build %i, %s: ends %s, changing only what its fault needs', async (build, name, expected) => {
    const status = await runOn(build, name);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.outcome.kind).toBe(expected);
    const allowed = ALLOWED[name];
    if (!allowed) return; // several faults at once, or no guest to change: the outcome is what counts
    expect(status.restarts).toBe(allowed.restarts);
    const kinds = new Set((status.changes as { resourceId: string; property: string }[]).map(kindOf).filter((k) => k !== 'action'));
    expect([...kinds].sort()).toEqual([...allowed.kinds].sort());
  });
});
