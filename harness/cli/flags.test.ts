import { describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { parseCommand, untilDecidedFlags } from './flags.ts';
import { designFlag, REALISTIC_FLAGS } from './realistic.ts';

/** The one-line UsageError (exit 2 in harness/cli/main.ts) that a command line gives. */
function usageError(argv: string[]): string {
  try {
    const parsed = parseCommand(argv, REALISTIC_FLAGS, { usage: '' });
    untilDecidedFlags(parsed?.values['until-decided'], parsed?.values['max-time']);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
}

describe('--until-decided --max-time', () => {
  it('takes durations in s, m, h (and us, ms)', () => {
    const ms = (argv: string[]) => {
      const p = parseCommand(argv, REALISTIC_FLAGS, { usage: '' });
      return untilDecidedFlags(p?.values['until-decided'], p?.values['max-time']);
    };
    expect(ms(['--until-decided', '--max-time', '90s'])).toBe(90_000);
    expect(ms(['--until-decided', '--max-time=5m'])).toBe(300_000);
    expect(ms(['--until-decided', '--max-time', '1.5h'])).toBe(5_400_000);
    expect(ms(['--until-decided', '--max-time', '2500ms'])).toBe(2_500);
    expect(ms([])).toBeUndefined();
  });

  it('rejects a bad duration, --max-time alone and --until-decided alone with one line naming the flag', () => {
    for (const [argv, want] of [
      [['--until-decided', '--max-time', 'soon'], '--max-time "soon"'],
      [['--until-decided', '--max-time', '5'], '--max-time "5"'],
      [['--until-decided', '--max-time', '0s'], '--max-time "0s"'],
      [['--until-decided', '--max-time=-1m'], '--max-time "-1m"'],
      [['--max-time', '5m'], '--max-time needs --until-decided'],
      [['--until-decided'], '--until-decided needs --max-time'],
    ] as const) {
      const line = usageError([...argv]);
      expect(line).toContain(want);
      expect(line).not.toContain('\n');
    }
  });
});

describe('--design', () => {
  it('takes duet or interleaved, absent leaves the scenario its own', () => {
    expect(designFlag('duet')).toBe('duet');
    expect(designFlag('interleaved')).toBe('interleaved');
    expect(designFlag(undefined)).toBeUndefined();
  });

  it('names the flag and the choices on a bad value', () => {
    expect(() => designFlag('both')).toThrow(UsageError);
    expect(() => designFlag('both')).toThrow('--design "both": expected one of duet, interleaved');
  });
});
