/** The calibration knob's spin: at least the time asked (wall clock), and nothing for 0. */
import { describe, expect, it } from 'vitest';
import { burnCpu } from './burn.ts';

describe('burnCpu', () => {
  it('spins for at least the microseconds asked and says how long it spun', () => {
    for (const us of [50, 500, 2000]) {
      const t0 = performance.now();
      const spun = burnCpu(us);
      const wallUs = (performance.now() - t0) * 1000;
      expect(spun).toBeGreaterThanOrEqual(us);
      expect(wallUs).toBeGreaterThanOrEqual(us);
    }
  });

  it('returns at once for 0', () => {
    expect(burnCpu(0)).toBe(0);
  });
});

describe('burnCpu leaves no garbage to collect', () => {
  it('a 200 us spin allocates next to nothing (~2 KB; a bare clock-read loop ~25 KB, which young collections then charge to the daemon)', async () => {
    const v8 = await import('node:v8');
    const used = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;
    for (let i = 0; i < 100; i++) burnCpu(200);
    // The smallest growth of the young generation over one spin; a spin during which it was
    // collected (the figure falls) says nothing and is skipped.
    let least = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 30; i++) {
      const before = used();
      burnCpu(200);
      const grown = used() - before;
      if (grown >= 0) least = Math.min(least, grown);
    }
    expect(least).toBeLessThan(8192);
  });
});
