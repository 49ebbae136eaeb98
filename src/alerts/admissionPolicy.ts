/**
 * The decisions that need what the durable client knows, as pure functions of what it reported:
 *  - the VM's previous repair (its deterministic instance): still active -> the alert is acknowledged and dropped;
 *    ended (any outcome) less than REPAIR_COOLDOWN_MINUTES ago -> not again yet, which breaks repair loops
 *    (a repair that cannot fix the VM must not be restarted by the next alert every five minutes).
 * MAX_CONCURRENT_REPAIRS is no longer an admission decision: admitted repairs wait for a slot of the fleet-wide
 * gate (orchestration/decisions/repairSlots.ts). Times come in as the client gives them (Date or ISO string).
 */
export interface InstanceStatusLike {
  instanceId?: string;
  runtimeStatus: string;
  lastUpdatedTime: Date | string;
}

/** The extension's non-terminal states: an instance in one of them still holds its VM. */
export const ACTIVE_RUNTIME_STATUSES = ['Pending', 'Running', 'ContinuedAsNew', 'Suspended'] as const;
const ACTIVE = new Set<string>(ACTIVE_RUNTIME_STATUSES);

export type PreviousRepairVerdict =
  | { kind: 'none' }
  | { kind: 'active'; runtimeStatus: string }
  | { kind: 'coolingDown'; endedAt: Date; until: Date; runtimeStatus: string }
  | { kind: 'cooledDown'; endedAt: Date };

export function previousRepairVerdict(previous: InstanceStatusLike | undefined, now: Date, cooldownMinutes: number): PreviousRepairVerdict {
  if (!previous) return { kind: 'none' };
  if (ACTIVE.has(previous.runtimeStatus)) return { kind: 'active', runtimeStatus: previous.runtimeStatus };
  const endedAt = new Date(previous.lastUpdatedTime);
  // An unreadable time cannot prove the window is over; treat it as just ended (the safe side for a loop breaker).
  const endedMs = Number.isNaN(endedAt.getTime()) ? now.getTime() : endedAt.getTime();
  const until = new Date(endedMs + cooldownMinutes * 60_000);
  if (now.getTime() < until.getTime())
    return { kind: 'coolingDown', endedAt: new Date(endedMs), until, runtimeStatus: previous.runtimeStatus };
  return { kind: 'cooledDown', endedAt: new Date(endedMs) };
}
