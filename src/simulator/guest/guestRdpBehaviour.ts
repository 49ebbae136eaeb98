/**
 * SIMULATED: what a guest's TCP ports do for an RDP client, from the guest state alone (pure). The harness
 * combines it with the VM's power state and the NSGs (a stopped VM or a dropping NSG is 'silent' whatever the
 * guest says).
 *
 * Per listening port:
 *  - a port held by anything but TermService: 'foreign-program';
 *  - TermService's port, decided in the order a client meets the failures:
 *      SecurityLayer 0 (RDP security only)           -> 'standard-rdp-only'
 *      the certificate in use: the pinned one (LocalMachine\My or Remote Desktop), else the self-signed one
 *      none of them there                            -> 'negotiation-failure-cert-not-on-server' (X.224 stage)
 *      TLS 1.2 Server off IN EFFECT (not merely written) and no legacy version both on and acceptable to the
 *      client                                        -> 'reset-after-client-hello'
 *      private key corrupt, or NETWORK SERVICE (TermService's account) cannot read it (the RDP container's
 *      ACL, or a pinned certificate's own key)       -> 'reset-after-client-hello' (the "internal error")
 *      certificate expired                           -> 'expired-certificate'
 *      otherwise                                     -> 'healthy'
 * Any other port is not listened on: 'refused'. `rdpEndpoint` answers for the port RDP is configured on
 * (PortNumber), which is the one clients dial.
 */
import type { TlsVersion } from '../../guest/scriptContracts';
import type { EndpointBehaviour } from '../rdpEndpoint';
import type { WindowsGuestState } from './guestState';
import type { DeepReadonly } from './windowsGuest';

type GuestView = DeepReadonly<WindowsGuestState>;

export interface GuestRdpOptions {
  /** Virtual now, for certificate expiry. */
  nowMs: number;
  /** The client would settle for TLS 1.0/1.1 (the repair request's allowLegacyTls); default false. */
  clientAllowsLegacyTls?: boolean;
}

export interface GuestPortBehaviour {
  port: number;
  behaviour: EndpointBehaviour;
  /** The service holding the port. */
  service: string;
}

/** Every port the guest listens on, with what a client meets there. */
export function guestPortBehaviours(state: GuestView, options: GuestRdpOptions): GuestPortBehaviour[] {
  return state.listeners.map((l) => ({
    port: l.port,
    service: l.service,
    behaviour: l.service === 'TermService' ? rdpListenerBehaviour(state, options) : 'foreign-program',
  }));
}

/** The port RDP is configured on (PortNumber) and what a client dialling it meets. */
export function rdpEndpoint(state: GuestView, options: GuestRdpOptions): { port: number; behaviour: EndpointBehaviour } {
  const port = state.rdpTcp.portNumber;
  return { port, behaviour: behaviourOnPort(state, port, options) };
}

export function behaviourOnPort(state: GuestView, port: number, options: GuestRdpOptions): EndpointBehaviour {
  return guestPortBehaviours(state, options).find((p) => p.port === port)?.behaviour ?? 'refused';
}

/** What TermService's listener does with a client, whatever port it is on. */
export function rdpListenerBehaviour(state: GuestView, options: GuestRdpOptions): EndpointBehaviour {
  if (state.rdpTcp.securityLayer === 0) return 'standard-rdp-only';
  const pin = state.rdpTcp.pinnedThumbprint;
  const pinned = pin === null ? undefined : [state.certificate, ...state.personalCertificates].find((c) => c?.thumbprint === pin);
  const cert = pin === null ? state.certificate : pinned;
  if (!cert) return 'negotiation-failure-cert-not-on-server';
  if (!tlsUsable(state, options.clientAllowsLegacyTls ?? false)) return 'reset-after-client-hello';
  const keys = state.machineKeys;
  const inRdpStore = cert === state.certificate;
  const keyOpens = inRdpStore
    ? cert.keyIntact &&
      cert.usableByTermService !== false &&
      keys.rdpContainerFound &&
      !keys.containerCorrupt &&
      keys.grants.networkService !== '-' &&
      !keys.networkServiceDenied
    : cert.keyIntact && cert.keyReadableByNetworkService !== false;
  if (!keyOpens) return 'reset-after-client-hello';
  if (Date.parse(cert.notAfter) <= options.nowMs) return 'expired-certificate';
  return 'healthy';
}

/** Whether SCHANNEL, as the running system loaded it, offers a version this client takes. */
function tlsUsable(state: GuestView, clientAllowsLegacy: boolean): boolean {
  const on = (version: TlsVersion): boolean => {
    const values = state.schannel.effective[version];
    const enabled = values.enabled === null ? state.osDefaultEnabled[version] : values.enabled !== 0;
    // DisabledByDefault=1: only applications that ask for the version explicitly get it; RDP does not.
    return enabled && values.disabledByDefault !== 1;
  };
  return on('TLS 1.2') || (clientAllowsLegacy && (on('TLS 1.1') || on('TLS 1.0')));
}
