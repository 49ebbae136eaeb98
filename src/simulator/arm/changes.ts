/**
 * SIMULATED: change notifications from the simulated ARM, so the other simulated parts (the RDP endpoint, the
 * guests) can follow what the app does: an NSG rule opened or closed, a VM restarted, an OS disk swapped.
 *
 * Changes caused by a request are emitted while that request is handled. Changes caused by time passing (an
 * operation finishing, the agent becoming Ready after boot) are emitted the next time the simulator looks at the
 * clock: on any request, any `arm.world` accessor, or `arm.sync()` (which a clock driver can call after advancing).
 */
import type { AgentStatus, PowerState, SecurityRuleState } from './world/types';

export type ArmChange =
  | { kind: 'powerState'; at: Date; vmId: string; from: PowerState; to: PowerState }
  | { kind: 'agentStatus'; at: Date; vmId: string; from: AgentStatus | undefined; to: AgentStatus | undefined }
  | {
      kind: 'securityRule';
      at: Date;
      nsgId: string;
      ruleName: string;
      action: 'created' | 'updated' | 'deleted';
      before?: SecurityRuleState;
      after?: SecurityRuleState;
    }
  | { kind: 'osDisk'; at: Date; vmId: string; from: string | undefined; to: string }
  | { kind: 'dataDisks'; at: Date; vmId: string; attached: string[]; detached: string[] }
  | { kind: 'resourceCreated'; at: Date; resourceId: string; resourceType: string }
  | { kind: 'resourceDeleted'; at: Date; resourceId: string; resourceType: string }
  | { kind: 'snapshotCompleted'; at: Date; snapshotId: string }
  | { kind: 'tags'; at: Date; resourceId: string; before: Record<string, string>; after: Record<string, string> }
  /** A managed run command's execution moved (Pending -> Running -> Succeeded/Failed/TimedOut), or it was deleted. */
  | { kind: 'runCommand'; at: Date; vmId: string; runCommandName: string; executionState: string };

export type ArmChangeListener = (change: ArmChange) => void;

export class ChangeFeed {
  private readonly listeners = new Set<ArmChangeListener>();

  /** Returns the function that unsubscribes. */
  subscribe(listener: ArmChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listener errors propagate: a broken simulated component should fail the test, not vanish. */
  emit(change: ArmChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
