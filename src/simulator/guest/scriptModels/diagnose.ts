/**
 * SIMULATED: diagnose.ps1. Reads what the real script reads and reports it the same way:
 *  - the listener: socket -> process -> services hosted in that process (TermService when among them, else the
 *    first name sorted); a foreign holder wins over TermService;
 *  - the REGISTRY values (a SCHANNEL change waiting for a restart shows as written), gpsvc's registry Start,
 *    service start types as the SCM reports them;
 *  - the certificate RDP would serve: the pinned one if it is in the store, else the newest; its private key
 *    "opens" when a signature with it succeeds running as LocalSystem (NETWORK SERVICE's access is the ACL
 *    section's business); `notAfter` as ToString('s') + 'Z';
 *  - the key container ACL flags, all false when no f686aace* container exists.
 * It only ever sees the guest through its read-only view, and prints nothing but the result line.
 */
import type { DiagnoseResult, ServiceState, TlsServerState, TlsVersion } from '../../../guest/scriptContracts';
import { RDP_FIREWALL_RULES, TLS_VERSIONS } from '../guestState';
import { limitText, sortableUtc, startTypeName, type GuestReader, type ScriptModel } from './scriptModel';

export const diagnoseModel: ScriptModel<'diagnose'> = {
  name: 'diagnose',
  readOnly: true,
  // The latency model's Run Command figure already stands for a short read-only diagnose.
  workMs: 0,
  run: (guest) => {
    const s = guest.read();
    const port = s.rdpTcp.portNumber;
    const cert = s.certificate;
    const keys = s.machineKeys;
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
      certificate: {
        present: cert !== null,
        thumbprint: cert?.thumbprint ?? null,
        notAfter: cert ? `${sortableUtc(cert.notAfter)}Z` : null,
        // The RDP self-signed certificate always carries its key association, readable or not.
        hasPrivateKey: cert ? true : null,
        privateKeyOpens: cert ? cert.keyIntact && keys.rdpContainerFound && keys.systemFullControl : null,
        pinnedMissing: s.rdpTcp.pinnedThumbprint !== null && s.rdpTcp.pinnedThumbprint !== cert?.thumbprint,
      },
      machineKeys: keys.rdpContainerFound
        ? {
            rdpContainerFound: true,
            systemFullControl: keys.systemFullControl,
            networkServiceRead: keys.networkServiceRead && !keys.networkServiceDenied,
            administratorsFullControl: keys.administratorsFullControl,
          }
        : { rdpContainerFound: false, systemFullControl: false, networkServiceRead: false, administratorsFullControl: false },
      tls,
      gpsvcStart: guest.service('gpsvc')?.start ?? null,
      firewall: { ruleName: RDP_FIREWALL_RULES[0], enabled: tcpRule ? tcpRule.enabled : null, localPorts: tcpRule ? tcpRule.localPorts : null },
    };
    return { result, lines: [] };
  },
};

/** Get-ListenerInfo: the process listening on the port and the service it stands for. */
function listenerOn(guest: GuestReader, port: number): DiagnoseResult['listener'] {
  const holder = guest.holderOf(port);
  if (!holder) return { processName: null, processId: null, serviceName: null };
  const hosted = guest
    .read()
    .services.filter((svc) => svc.status === 'Running' && svc.processId === holder.processId)
    .map((svc) => svc.name)
    .sort();
  const serviceName = hosted.includes('TermService') ? 'TermService' : (hosted[0] ?? null);
  return { processName: limitText(holder.processName, 64), processId: holder.processId, serviceName };
}
