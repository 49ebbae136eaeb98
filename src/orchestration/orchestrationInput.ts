import type { RepairSettings } from '../domain/config';
import type { RepairRequest } from '../domain/repairRequest';

/** Everything the orchestrator needs, fixed at start so replays see the same values. */
export interface RepairOrchestrationInput {
  repairId: string;
  request: RepairRequest;
  settings: RepairSettings;
}

/** Default RDP port when the caller does not name one (the guest's PortNumber is read by online diagnosis). */
export const DEFAULT_RDP_PORT = 3389;

/** Snapshot names: <= 80 characters, letters, digits, '_', '-', '.'; unique per repair start time. */
export function snapshotNameFor(vmName: string, startedAt: Date): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `rdprepair-${vmName.slice(0, 50)}-${stamp}`.replace(/[^A-Za-z0-9_.-]/g, '-');
}
