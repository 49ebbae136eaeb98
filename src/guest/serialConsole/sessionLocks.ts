/**
 * One serial console session per VM at a time in this worker: the console has one session per VM, and a second
 * one would kick the first off. Across workers, the start path's one-repair-per-VM rule keeps sessions apart.
 */
export class SessionLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(vmId: string, work: () => Promise<T>): Promise<T> {
    const key = vmId.toLowerCase();
    const before = this.tails.get(key) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    this.tails.set(key, mine);
    try {
      return await mine;
    } finally {
      if (this.tails.get(key) === mine) this.tails.delete(key);
    }
  }
}
