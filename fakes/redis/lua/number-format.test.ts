import { describe, expect, it } from 'vitest';
import { formatG } from './number-format.ts';

describe("formatG: C's %.Ng as glibc prints it", () => {
  it.each([
    [98.01, 17, '98.010000000000005'], [1.0000000000065512e-5, 17, '1.0000000000065512e-05'], [1796037285940, 17, '1796037285940'],
    [1e15, 14, '1e+15'], [3, 14, '3'], [0.1, 14, '0.1'], [0.1, 17, '0.10000000000000001'], [1 / 3, 17, '0.33333333333333331'],
    [2 ** 53 + 1, 14, '9.007199254741e+15'], [1e-5, 14, '1e-05'], [0.0001, 14, '0.0001'], [-0, 14, '-0'], [-2.5, 14, '-2.5'],
    [1e21, 17, '1e+21'], [1e100, 17, '1.0000000000000000e+100'.replace(/\.0+e/, 'e')], [Infinity, 14, 'inf'], [-Infinity, 17, '-inf'],
    [NaN, 14, '-nan'],
    // exact ties round half to even, as glibc does (JS's toExponential rounds them up)
    [123456789012345, 14, '1.2345678901234e+14'], [123456789012355, 14, '1.2345678901236e+14'], [2.5, 1, '2'], [1.25, 2, '1.2'],
  ])('%d with %d digits is %s', (n, precision, expected) => {
    expect(formatG(n, precision)).toBe(expected);
  });
});
