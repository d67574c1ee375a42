/** The normal tail that the intervals' critical values and the calibration's p-values rest on. */
import { describe, expect, it } from 'vitest';
import { normalUpperTail } from './bootstrap.ts';

describe('normalUpperTail', () => {
  it('matches the standard normal on both sides of 0', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 6);
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 6);
    // Below 0 the A&S formula alone divides by ~0 near z = -4.3; symmetry keeps it a probability.
    expect(normalUpperTail(-1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalUpperTail(-4.3)).toBeCloseTo(1 - 8.54e-6, 6);
    for (const z of [-3, -1, -0.2]) expect(normalUpperTail(z) + normalUpperTail(-z)).toBeCloseTo(1, 9);
  });
});
