/**
 * SIMULATED: run command timing that the shared latency model does not carry, each with its source.
 *
 * The total time of a short script, from the PUT to the end of execution, is the latency model's `runCommand`
 * figure (Microsoft: "The minimum time to run a script is about 20 seconds"). Of that, the first
 * RUN_COMMAND_PICKUP_MS the command is Pending (the guest agent has not yet picked up the new goal state); the
 * rest is Running. A script model may add work time on top (a gpupdate, a service restart).
 */

/**
 * Estimate: the guest agent polls the fabric for a new goal state every few seconds, so a new run command
 * typically shows Running 3-10 s after it was accepted. Not documented. (A candidate for the shared latency model.)
 */
export const RUN_COMMAND_PICKUP_MS = 5_000;

/**
 * Documented: "VM extensions have a 90-minute provisioning timeout. They must complete their installation or
 * update within that time limit" (Microsoft support article on VM extensions stuck in Failed / VMs stuck
 * Starting). A run command whose agent never reports ends Failed with VMAgentStatusCommunicationError then.
 */
export const EXTENSION_AGENT_TIMEOUT_MS = 90 * 60_000;

/**
 * Documented default when `timeoutInSeconds` is 0 or absent: managed Run Command docs, "longer than default
 * timeout of 90 minutes", and action Run Command: "The maximum time a script can run is 90 minutes".
 */
export const DEFAULT_RUN_COMMAND_TIMEOUT_SECONDS = 90 * 60;

/**
 * Documented: "Output and error fields in instanceView is limited to last 4KB" (managed Run Command docs);
 * action Run Command: "limited to the last 4,096 bytes".
 */
export const RUN_COMMAND_OUTPUT_WINDOW_BYTES = 4096;

/**
 * Error texts Azure returns, quoted so the app's classification is exercised against the real wording:
 *  - AGENT: Microsoft's "Common Virtual Machine Management Error" list, code VMAgentStatusCommunicationError;
 *  - BUSY: 409 Conflict seen from Run Command while another run is executing (azure-cli#19137,
 *    azure-docs#43356, and azure-docs#110433 for managed run commands);
 *  - NOT_RUNNING: 409 OperationNotAllowed for extension writes on a stopped VM (terraform-provider-azurerm#477,
 *    #6098; RDS-Templates#685).
 */
export const RUN_COMMAND_ERRORS = Object.freeze({
  agentCode: 'VMAgentStatusCommunicationError',
  agentMessage: (vmName: string): string =>
    `VM '${vmName}' has not reported status for VM agent or extensions. Please verify the VM has a running VM agent, ` +
    'and can establish outbound connections to Azure storage.',
  busyCode: 'Conflict',
  busyMessage: 'Run command extension execution is in progress. Please wait for completion before invoking a run command.',
  notRunningCode: 'OperationNotAllowed',
  notRunningMessage: 'Cannot modify extensions in the VM when the VM is not running.',
});
