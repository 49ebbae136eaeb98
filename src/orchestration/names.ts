/** Function names shared by the registrations and the orchestrator: one place, so a rename cannot split them. */
export const REPAIR_ORCHESTRATOR = 'RepairOrchestrator';

export const Activities = {
  readVm: 'readVm',
  readVmNetwork: 'readVmNetwork',
  probeRdp: 'probeRdp',
  startOsDiskSnapshot: 'startOsDiskSnapshot',
  getSnapshotState: 'getSnapshotState',
  restrictNsgRule: 'restrictNsgRule',
  openNsgPort: 'openNsgPort',
  restartVm: 'restartVm',
  readVmPower: 'readVmPower',
  startGuestScript: 'startGuestScript',
  readGuestScript: 'readGuestScript',
  deleteGuestScript: 'deleteGuestScript',
} as const;

export type ActivityName = (typeof Activities)[keyof typeof Activities];
