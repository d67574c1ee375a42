/**
 * A program's command line: node:util parseArgs in strict mode, each mistake turned into ONE
 * UsageError line that names the flag or argument (the program prints it and exits 2):
 *
 *   unknown flag --bogus (see --help)
 *   unexpected argument "x" (see --help)
 *   --seed needs a value            (also for `--seed --json`: a value may not look like a flag;
 *                                    write `--seed=-1` for one that starts with a dash)
 *   --json takes no value
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './exit-codes.ts';

export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

export function parseArgv<T extends FlagOptions>(argv: readonly string[], options: T, spec: { positionals?: boolean } = {}) {
  const allowPositionals = spec.positionals ?? false;
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError(argvProblem(argv, options, allowPositionals) ?? (e as Error).message.split('\n')[0]);
  }
}

/** The first mistake in argv, read from parseArgs' own tokens (its error messages are not an API). */
function argvProblem(argv: readonly string[], options: FlagOptions, allowPositionals: boolean): string | undefined {
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind === 'positional' && !allowPositionals) return `unexpected argument "${t.value}" (see --help)`;
    if (t.kind !== 'option') continue;
    const type = Object.hasOwn(options, t.name) ? options[t.name].type : undefined;
    if (type === undefined) return `unknown flag ${t.rawName} (see --help)`;
    if (type === 'string' && (t.value === undefined || (!t.inlineValue && /^-./.test(t.value)))) return `${t.rawName} needs a value`;
    if (type === 'boolean' && t.value !== undefined) return `${t.rawName} takes no value`;
  }
  return undefined;
}
