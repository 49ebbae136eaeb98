/**
 * SIMULATED: the Azure VM agent's two Windows services inside a simulated guest, as sc.exe sees them, and what
 * the platform then reports. Both run on a healthy Azure VM (Microsoft's "Azure Virtual Machine Agent overview":
 * WindowsAzureGuestAgent and RdAgent, start type automatic); the agent reports Ready only while both run (an
 * assumption, pessimistic: either one stopped keeps it NotReady). sc.exe's exit codes are Win32 error codes
 * (Microsoft's "System Error Codes": 1060 service does not exist, 1056 already running, 1058 disabled).
 */
export type StartType = 'auto' | 'demand' | 'disabled';

export interface AgentService {
  start: StartType;
  running: boolean;
}

export type AgentServices = Record<'WindowsAzureGuestAgent' | 'RdAgent', AgentService>;

export function healthyAgentServices(): AgentServices {
  return { WindowsAzureGuestAgent: { start: 'auto', running: true }, RdAgent: { start: 'auto', running: true } };
}

/** The agent service stopped and set to manual start: what a scenario's "agent service stopped" means here. */
export function stoppedAgentServices(): AgentServices {
  return { WindowsAzureGuestAgent: { start: 'demand', running: false }, RdAgent: { start: 'auto', running: true } };
}

export function agentReady(services: AgentServices): boolean {
  return services.WindowsAzureGuestAgent.running && services.RdAgent.running;
}

export interface ScResult {
  exitCode: number;
  output: string;
}

const CRLF = '\r\n';

/** `sc.exe config <name> start= <type>` and `sc.exe start <name>`, with the guest's own answers (English build). */
export function runSc(services: AgentServices, args: string[]): ScResult {
  const [verb, name, ...rest] = args;
  const service = name ? (Object.entries(services).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] ?? null) : null;
  if (!service) {
    return {
      exitCode: 1060,
      output: `[SC] OpenService FAILED 1060:${CRLF}${CRLF}The specified service does not exist as an installed service.${CRLF}`,
    };
  }
  if (verb?.toLowerCase() === 'config' && rest[0]?.toLowerCase() === 'start=' && ['auto', 'demand', 'disabled'].includes(rest[1] ?? '')) {
    service.start = rest[1] as StartType;
    return { exitCode: 0, output: `[SC] ChangeServiceConfig SUCCESS${CRLF}` };
  }
  if (verb?.toLowerCase() === 'start') {
    if (service.running) {
      return {
        exitCode: 1056,
        output: `[SC] StartService FAILED 1056:${CRLF}${CRLF}An instance of the service is already running.${CRLF}`,
      };
    }
    if (service.start === 'disabled') {
      return {
        exitCode: 1058,
        output:
          `[SC] StartService FAILED 1058:${CRLF}${CRLF}The service cannot be started, either because it is disabled or because it has ` +
          `no enabled devices associated with it.${CRLF}`,
      };
    }
    service.running = true;
    return {
      exitCode: 0,
      output:
        `${CRLF}SERVICE_NAME: ${name}${CRLF}        TYPE               : 10  WIN32_OWN_PROCESS${CRLF}` +
        `        STATE              : 2  START_PENDING${CRLF}`,
    };
  }
  return { exitCode: 1639, output: `[SC] Invalid command line.${CRLF}` };
}
