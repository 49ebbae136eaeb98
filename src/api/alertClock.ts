/**
 * The clock the alert intake judges cooldowns by. Real time in the Functions host; the simulator points it at
 * its virtual clock, because the repairs' lastUpdatedTime is virtual there and the two must be comparable.
 */
let clock: () => Date = () => new Date();

export function alertNow(): Date {
  return clock();
}

/** For the simulator only; undefined restores real time. */
export function setAlertClock(next: (() => Date) | undefined): void {
  clock = next ?? (() => new Date());
}
