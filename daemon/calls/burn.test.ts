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
