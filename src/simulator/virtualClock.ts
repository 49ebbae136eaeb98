/**
 * SIMULATED: virtual time shared by the durable host emulator (timers), the simulated ARM (long-running
 * operations finish at a virtual instant) and the simulated guests (a restart takes virtual seconds).
 * A 90-second restart costs no real time.
 */
export class VirtualClock {
  private current: number;

  constructor(start: Date = new Date('2026-01-05T03:00:00.000Z')) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  nowMs(): number {
    return this.current;
  }

  /** Moves time forward; never backward (a timer in the past fires "now"). */
  advanceTo(instant: Date | number): void {
    const target = typeof instant === 'number' ? instant : instant.getTime();
    if (target > this.current) this.current = target;
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.current + Math.max(0, ms));
  }
}
