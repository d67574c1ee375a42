import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './exit-codes.ts';

/** node:util parseArgs in strict mode, its errors turned into one-line UsageErrors. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    // "Unknown option '--x'. To specify a positional argument..." -> keep the first sentence.
    throw new UsageError((e as Error).message.split('. ')[0]);
  }
}

export function intFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} "${value}": expected an integer >= ${min}`);
  return n;
}

/** The command line as a user could paste it again (for the result's `command`). */
export function commandLine(sub: string, argv: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['overbench', sub, ...argv].map(quote).join(' ');
}
