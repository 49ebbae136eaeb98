/**
 * SIMULATED: deterministic GUIDs, MAC addresses and etags for simulated resources, so a scenario produces the same
 * ids (vmId, uniqueId, resourceGuid, operation ids) on every run and demo output can be compared between runs.
 */
export class GuidSource {
  private state: number;

  constructor(seed = 0x5eed) {
    this.state = seed >>> 0;
  }

  /** A version-4-shaped GUID from a small PRNG (mulberry32). Not random in any security sense: it need not be. */
  guid(): string {
    const hex = Array.from({ length: 4 }, () => this.next().toString(16).padStart(8, '0')).join('');
    const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** ARM's weak etag form, `W/"{guid}"`. */
  etag(): string {
    return `W/"${this.guid()}"`;
  }

  /** Azure NICs report MACs as `00-0D-3A-xx-xx-xx` (Microsoft's Azure OUI). */
  macAddress(): string {
    const tail = this.next().toString(16).padStart(8, '0').slice(0, 6).toUpperCase();
    return `00-0D-3A-${tail.slice(0, 2)}-${tail.slice(2, 4)}-${tail.slice(4, 6)}`;
  }

  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}
