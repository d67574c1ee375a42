import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { InconclusivePolicy } from '../report/reporter.ts';
import { UsageError } from '../../common/exit-codes.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** Every flag of every command, declared once; a command takes its own with `flags(...)`. */
export const FLAGS = {
  scenario: { type: 'string', multiple: true },
  profile: { type: 'string' },
  backend: { type: 'string' },
  backends: { type: 'string' },
  baseline: { type: 'string' },
  instrumented: { type: 'string' },
  'baseline-pid': { type: 'string' },
  'instrumented-pid': { type: 'string' },
  rounds: { type: 'string' },
  repeats: { type: 'string' },
  seed: { type: 'string' },
  clock: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  inconclusive: { type: 'string' },
  metric: { type: 'string', multiple: true },
  budget: { type: 'string' },
  html: { type: 'string' },
  junit: { type: 'string' },
  md: { type: 'string' },
  history: { type: 'string' },
} as const;

export function flags<K extends keyof typeof FLAGS>(...names: K[]): Pick<typeof FLAGS, K> {
  return Object.fromEntries(names.map((n) => [n, FLAGS[n]])) as Pick<typeof FLAGS, K>;
}

/**
 * node:util parseArgs in strict mode, its errors turned into one-line UsageErrors, and -h/--help
 * for every command: null means the usage was printed and the command is done (exit 0).
 */
export function parseCommand<T extends Options>(argv: string[], options: T, spec: { usage: string; positionals?: boolean }) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, ...HELP }, strict: true, allowPositionals: spec.positionals ?? false });
  } catch (e) {
    // "Unknown option '--x'. To specify a positional argument..." and "Option '--seed' argument is
    // ambiguous.\nDid you forget..." -> keep the first sentence of the first line.
    throw new UsageError((e as Error).message.split('\n')[0].split('. ')[0]);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(spec.usage.endsWith('\n') ? spec.usage : `${spec.usage}\n`);
    return null;
  }
  return parsed;
}

export function intFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} "${value}": expected an integer >= ${min}`);
  return n;
}

/** --seed: a non-negative integer, or undefined (the caller picks its default). */
export function seedFlag(value: string | undefined): number | undefined {
  return intFlag('seed', value, 0);
}

/** --inconclusive=pass|fail: whether noise may pass the gate (default fail). */
export function inconclusiveFlag(value: string | undefined): InconclusivePolicy {
  if (value === undefined || value === 'fail') return 'fail';
  if (value === 'pass') return 'pass';
  throw new UsageError(`--inconclusive "${value}": expected pass or fail`);
}

/** --out: the reports folder, absolute (default ./reports). */
export function outFlag(value: string | undefined): string {
  return path.resolve(value ?? 'reports');
}

/** The command line as a user could paste it again (for the result's `command`). */
export function commandLine(sub: string, argv: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['overbench', sub, ...argv].map(quote).join(' ');
}
