import { describe, expect, it } from 'vitest';
import { parseArgv } from './argv.ts';
import { UsageError } from './exit-codes.ts';

const options = { seed: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

describe('parseArgv', () => {
  it('reads --flag value, --flag=value and short booleans', () => {
    expect(parseArgv(['--seed', '3', '-h'], options).values).toEqual({ seed: '3', help: true });
    expect(parseArgv(['--seed=-1', 'a.json'], options, { positionals: true })).toMatchObject({ values: { seed: '-1' }, positionals: ['a.json'] });
  });

  const bad: Array<[string[], string]> = [
    [['--bogus', '1'], 'unknown flag --bogus (see --help)'],
    [['-x'], 'unknown flag -x (see --help)'],
    [['a.json'], 'unexpected argument "a.json" (see --help)'],
    [['--seed'], '--seed needs a value'],
    [['--seed', '--json'], '--seed needs a value'],
    [['--json=yes'], '--json takes no value'],
  ];
  for (const [argv, message] of bad) {
    it(`${argv.join(' ')}: one UsageError line naming it`, () => {
      expect(() => parseArgv(argv, options)).toThrow(new UsageError(message));
    });
  }
});
