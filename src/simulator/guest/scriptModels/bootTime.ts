/**
 * SIMULATED: boot-time.ps1. Win32_OperatingSystem.LastBootUpTime is the instant the guest last booted (set by
 * SimulatedWindowsGuest.boot when the simulated ARM brings the VM to running), printed as ToString('s') in UTC
 * plus 'Z'. Windows reports it to the second; so does the model.
 */
import { sortableUtc, type ScriptModel } from './scriptModel';

export const bootTimeModel: ScriptModel<'boot-time'> = {
  name: 'boot-time',
  readOnly: true,
  // A single CIM query: nothing beyond Run Command's own floor (latency model).
  workMs: 0,
  run: (guest) => ({
    result: { script: 'boot-time', lastBootUpTime: `${sortableUtc(new Date(guest.read().lastBootUpTimeMs).toISOString())}Z` },
    lines: [],
  }),
};
