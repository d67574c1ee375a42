import { describe, expect, it } from 'vitest';
import { globMatch } from './glob.ts';

describe("Redis's glob (KEYS patterns)", () => {
  it.each([
    // as in C: an empty string matches no pattern (KEYS * has its own all-keys path)
    ['*', '', false], ['*', 'anything', true], ['a*', 'abc', true], ['a*', 'ba', false], ['*c', 'abc', true],
    ['a?c', 'abc', true], ['a?c', 'ac', false], ['h[ae]llo', 'hello', true], ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true], ['h[^e]llo', 'hello', false], ['h[a-b]llo', 'hbllo', true], ['h[b-a]llo', 'hallo', true],
    ['h\\*llo', 'h*llo', true], ['h\\*llo', 'hello', false], ['[\\]]', ']', true], ['a[', 'a', false], ['[abc', 'c', true],
    ['exai:pending:*', 'exai:pending:s1', true], ['exai:*:s?', 'exai:session:s1', true], ['*a*b*c*', 'xaybzc', true],
    ['a\\', 'a\\', true], ['**', 'x', true], ['a*', 'a', true], ['?', '', false],
  ])('%j matches %j: %s', (pattern, s, expected) => {
    expect(globMatch(pattern, s)).toBe(expected);
  });

  it('gives up early on patterns that would backtrack forever', () => {
    const t0 = performance.now();
    expect(globMatch('a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(60))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(100);
  });
});
