/**
 * The path a repair took, from what it left in its artifacts: offline when an OS disk copy was made (whatever came
 * before), serial when the serial console brought the agent back for the online repair, online otherwise.
 */
import type { Artifacts, RepairPath } from '../../domain/repairStatus';

export function repairPathOf(artifacts: Artifacts): RepairPath {
  if (artifacts.copyDiskId) return 'offline';
  if (artifacts.serialConsoleAt) return 'serial';
  return 'online';
}
