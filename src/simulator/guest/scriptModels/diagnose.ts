/**
 * SIMULATED: diagnose.ps1. Reads what the real script reads and reports it the same way:
 *  - the listener: socket -> process -> services hosted in that process, every name in `hostedServices`; the
 *    owner is the socket's service tag, which the simulated socket table always has (the real lookup can be
 *    unavailable, and then falls back to the one service of the process, or TermService among several);
 *  - the REGISTRY values (a SCHANNEL change waiting for a restart shows as written), gpsvc's registry Start,
 *    service start types as the SCM reports them;
 *  - the certificate RDP serves (Win32_TSGeneralSetting): the pinned one, in LocalMachine\My or Remote Desktop,
 *    else the self-signed one; its private key "opens" when a signature with it succeeds running as
 *    LocalSystem (SYSTEM is also in Administrators, so either entry lets it read); NETWORK SERVICE's read of
 *    the key file; an expired pin; `notAfter` as ToString('s') + 'Z';
 *  - the key container ACL flags against the build's own set, all false when no f686aace* container exists,
 *    and `listable` false (nothing else known) when the folder refuses listing.
 * It only ever sees the guest through its read-only view, and prints nothing but the result line.
 */
import type { DiagnoseResult, ServiceState, TlsServerState, TlsVersion } from '../../../guest/scriptContracts';
import { RDP_FIREWALL_RULES, TLS_VERSIONS, type RdpCertificate, type WindowsGuestState } from '../guestState';
import type { DeepReadonly } from '../windowsGuest';
import { limitText, sortableUtc, startTypeName, type GuestReader, type ScriptModel } from './scriptModel';

export const diagnoseModel: ScriptModel<'diagnose'> = {
  name: 'diagnose',
  readOnly: true,
  // The latency model's Run Command figure already stands for a short read-only diagnose.
  workMs: 0,
  run: (guest, _params, context) => {
    const s = guest.read();
    const port = s.rdpTcp.portNumber;
    const service = (name: string): ServiceState => {
      const found = guest.service(name);
      return found ? { status: found.status, startType: startTypeName(found.scmStart) } : { status: null, startType: null };
    };
    const tls = {} as Record<TlsVersion, TlsServerState>;
    for (const version of TLS_VERSIONS) tls[version] = { ...s.schannel.configured[version] };
    const tcpRule = s.firewallRules.find((r) => r.name === RDP_FIREWALL_RULES[0]);

    const result: DiagnoseResult = {
      script: 'diagnose',
      os: { caption: limitText(s.os.caption, 100), build: s.os.build },
      // The same CIM value boot-time reads (bootTime.ts), from the same guest state.
      lastBootUpTime: `${sortableUtc(new Date(s.lastBootUpTimeMs).toISOString())}Z`,
      domain: { joined: s.domain.joined, name: s.domain.joined ? s.domain.name : null },
      rdp: {
        portNumber: port,
        fDenyTSConnections: s.rdpTcp.fDenyTSConnections,
        policyDenyTSConnections: null,
        securityLayer: s.rdpTcp.securityLayer,
        userAuthentication: s.rdpTcp.userAuthentication,
        allowSecProtocolNegotiation: s.rdpTcp.allowSecProtocolNegotiation,
        pinnedThumbprint: s.rdpTcp.pinnedThumbprint,
      },
      listener: listenerOn(guest, port),
      services: { TermService: service('TermService'), SessionEnv: service('SessionEnv'), UmRdpService: service('UmRdpService') },
      certificate: certificateInUse(s, context.nowMs),
      machineKeys: machineKeysOf(s),
      tls,
      gpsvcStart: guest.service('gpsvc')?.start ?? null,
      firewall: {
        ruleName: RDP_FIREWALL_RULES[0],
        enabled: tcpRule ? tcpRule.enabled : null,
        localPorts: tcpRule ? tcpRule.localPorts : null,
      },
    };
    return { result, lines: [] };
  },
};

/** Get-ListenerInfo: the process listening on the port, the services it hosts, and the certain owner if any. */
function listenerOn(guest: GuestReader, port: number): DiagnoseResult['listener'] {
  const holder = guest.holderOf(port);
  if (!holder) return { processName: null, processId: null, serviceName: null, hostedServices: [] };
  const hosted = guest
    .read()
    .services.filter((svc) => svc.status === 'Running' && svc.processId === holder.processId)
    .map((svc) => svc.name)
    .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
  // The service tag names the service that opened the socket (GetOwnerModuleFromTcpEntry).
  const serviceName = hosted.includes(holder.name) ? holder.name : null;
  return { processName: limitText(holder.processName, 64), processId: holder.processId, serviceName, hostedServices: hosted.slice(0, 8) };
}

type State = DeepReadonly<WindowsGuestState>;

function certificateInUse(s: State, nowMs: number): DiagnoseResult['certificate'] {
  const pin = s.rdpTcp.pinnedThumbprint;
  const personal = pin === null ? undefined : s.personalCertificates.find((c) => c.thumbprint === pin);
  const rdpStore = s.certificate && (pin === null || s.certificate.thumbprint === pin) ? s.certificate : null;
  const cert: DeepReadonly<RdpCertificate> | null = personal ?? rdpStore;
  const keys = s.machineKeys;
  const inRdpStore = cert !== null && cert === s.certificate;
  // The self-signed certificate's key is the f686aace container; a CA-issued one brings its own key file.
  const systemReads = keys.grants.system !== '-' || keys.grants.administrators !== '-';
  const opens =
    cert === null ? null : inRdpStore ? cert.keyIntact && keys.rdpContainerFound && !keys.containerCorrupt && systemReads : cert.keyIntact;
  const networkServiceKeyRead =
    cert === null
      ? null
      : inRdpStore
        ? keys.rdpContainerFound
          ? keys.grants.networkService !== '-' && !keys.networkServiceDenied
          : null
        : cert.keyReadableByNetworkService !== false;
  return {
    present: cert !== null,
    store: cert === null ? null : inRdpStore ? 'remote-desktop' : 'personal',
    thumbprint: cert?.thumbprint ?? null,
    notAfter: cert ? `${sortableUtc(cert.notAfter)}Z` : null,
    // Both kinds carry their key association, readable or not.
    hasPrivateKey: cert ? true : null,
    privateKeyOpens: opens,
    networkServiceKeyRead,
    pinnedMissing: pin !== null && cert === null,
    pinnedExpired: pin !== null && cert !== null && Date.parse(cert.notAfter) <= nowMs,
  };
}

function machineKeysOf(s: State): DiagnoseResult['machineKeys'] {
  const keys = s.machineKeys;
  if (!keys.folderListable)
    return { listable: false, rdpContainerFound: false, systemFullControl: false, networkServiceRead: false, buildEntryPresent: false };
  if (!keys.rdpContainerFound)
    return { listable: true, rdpContainerFound: false, systemFullControl: false, networkServiceRead: false, buildEntryPresent: false };
  return {
    listable: true,
    rdpContainerFound: true,
    systemFullControl: keys.grants.system === 'F',
    networkServiceRead: keys.grants.networkService !== '-' && !keys.networkServiceDenied,
    buildEntryPresent: s.windowsBuild < 17763 ? keys.grants.administrators !== '-' : keys.grants.sessionEnv === 'F',
  };
}
