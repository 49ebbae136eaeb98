/** A healthy Windows Server's diagnose result, and variations of it, for decision tests. */
import type { DiagnoseResult } from '../../src/domain/guestScriptContracts';

export function healthyDiagnosis(): DiagnoseResult {
  return {
    script: 'diagnose',
    os: { caption: 'Microsoft Windows Server 2022 Datacenter', build: '20348' },
    lastBootUpTime: '2026-01-05T03:00:00Z',
    domain: { joined: false, name: null },
    rdp: {
      portNumber: 3389,
      fDenyTSConnections: 0,
      policyDenyTSConnections: null,
      securityLayer: 2,
      userAuthentication: 1,
      allowSecProtocolNegotiation: 1,
      pinnedThumbprint: null,
    },
    listener: { processName: 'svchost', processId: 1234, serviceName: 'TermService', hostedServices: ['TermService'] },
    services: {
      TermService: { status: 'Running', startType: 'Manual' },
      SessionEnv: { status: 'Running', startType: 'Manual' },
      UmRdpService: { status: 'Running', startType: 'Manual' },
    },
    certificate: {
      present: true,
      store: 'remote-desktop',
      thumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
      notAfter: '2027-01-01T00:00:00.000Z',
      hasPrivateKey: true,
      privateKeyOpens: true,
      networkServiceKeyRead: true,
      pinnedMissing: false,
      pinnedExpired: false,
    },
    machineKeys: { listable: true, rdpContainerFound: true, systemFullControl: true, networkServiceRead: true, buildEntryPresent: true },
    tls: {
      'TLS 1.0': { enabled: null, disabledByDefault: null },
      'TLS 1.1': { enabled: null, disabledByDefault: null },
      'TLS 1.2': { enabled: null, disabledByDefault: null },
    },
    gpsvcStart: 2,
    firewall: { ruleName: 'RemoteDesktop-UserMode-In-TCP', enabled: true, localPorts: '3389' },
  };
}

type Patch = { [K in keyof DiagnoseResult]?: Partial<DiagnoseResult[K]> };

export function diagnosis(patch: Patch): DiagnoseResult {
  const base = healthyDiagnosis() as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    const current = base[key];
    base[key] =
      current && typeof current === 'object' && !Array.isArray(current) ? { ...(current as object), ...(value as object) } : value;
  }
  return base as unknown as DiagnoseResult;
}
