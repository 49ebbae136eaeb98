/**
 * SIMULATED Windows guests: the state the RDP playbook touches (guestState.ts), a typed builder (guestSpec.ts),
 * the guest with its boot/shutdown and service rules (windowsGuest.ts), a model of each guest script's effect
 * keyed by name (scriptModels/), what the RDP endpoint does given the state (guestRdpBehaviour.ts), and the glue
 * that puts a guest inside a simulated VM (attachGuest.ts); a rescue VM's attached OS disk copy (offlineDisk/).
 */
export { SimulatedWindowsGuest, type DeepReadonly, type GuestChangeListener, type ServiceResult } from './windowsGuest';
export { buildGuestState, type CertificateCondition, type WindowsGuestSpec } from './guestSpec';
export {
  REG,
  RDP_FIREWALL_RULES,
  TLS_VERSIONS,
  type FirewallRule,
  type GuestEvent,
  type GuestService,
  type WindowsGuestState,
} from './guestState';
export { SCRIPT_MODELS, runGuestScript, isGuestScriptName } from './scriptModels';
export {
  attachOfflineDisk,
  buildOfflineDisk,
  type DiskBay,
  type OfflineDisk,
  type OfflineDiskSpec,
  type OfflineFault,
} from './offlineDisk';
export type { ScriptModel, ScriptRun, ScriptContext } from './scriptModels/scriptModel';
export { bindScriptParameters, ParameterBindingError } from './parameterBinding';
export { appScriptTexts, identifyGuestScript, type GuestScriptTexts } from './scriptIdentity';
export { attachSimulatedGuest, guestRunCommandPort, type AttachGuestOptions } from './attachGuest';
export {
  behaviourOnPort,
  guestPortBehaviours,
  rdpEndpoint,
  rdpListenerBehaviour,
  type GuestPortBehaviour,
  type GuestRdpOptions,
} from './guestRdpBehaviour';
export { serialOutputOfBoot, type SerialIdentity, type SimulatedBootState } from './serialLog';
export { SimulatedDiskContents, type DiskContent } from './diskContents';
