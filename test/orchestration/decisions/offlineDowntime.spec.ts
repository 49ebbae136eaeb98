import { downtimeInWords, estimateOfflineDowntime } from '../../../src/orchestration/decisions/offlineDowntime';

describe('estimateOfflineDowntime', () => {
  it('sums the typical durations of every step that keeps the VM down, the copy growing with the disk size', () => {
    const small = estimateOfflineDowntime({ sizeGiB: 30 });
    const large = estimateOfflineDowntime({ sizeGiB: 1024 });
    expect(small.parts.map((p) => p.step)).toEqual(['deallocate', 'copy', 'attach', 'script', 'detach', 'swap', 'start']);
    expect(small.lowSeconds).toBe(small.parts.reduce((s, p) => s + p.lowSeconds, 0));
    expect(large.lowSeconds).toBe(small.lowSeconds);
    expect(large.highSeconds - small.highSeconds).toBe(2 * (1024 - 30));
    for (const p of small.parts) expect(p.highSeconds).toBeGreaterThanOrEqual(p.lowSeconds);
  });

  it('an unknown size is estimated as a 127 GiB disk; the words round outwards', () => {
    expect(estimateOfflineDowntime({ sizeGiB: null })).toEqual(estimateOfflineDowntime({ sizeGiB: 127 }));
    expect(downtimeInWords({ lowSeconds: 170, highSeconds: 794, parts: [] })).toBe('about 2 to 14 minutes');
    expect(downtimeInWords({ lowSeconds: 30, highSeconds: 40, parts: [] })).toBe('about 1 to 2 minutes');
  });
});
