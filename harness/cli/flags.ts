import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { InconclusivePolicy } from '../report/reporter.ts';
import { UsageError } from '../../common/exit-codes.ts';
import { LatencySpecError, parseDurationUs } from '../../common/latency.ts';

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
  /** realistic, calibrate: pairs of target processes the rounds are spread over, started afresh in turn. */
  processes: { type: 'string' },
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
  'until-decided': { type: 'boolean' },
  /** findings: the reports folder to read results from. */
  results: { type: 'string' },
  /** realistic, calibrate: `duet` (both variants at once, pinned) or `interleaved` (one after the other). */
  design: { type: 'string' },
  /** realistic, calibrate: when a duet swaps cores, `rapid` (default), `mid-window` or `round`. */
  'core-swap': { type: 'string' },
  'max-time': { type: 'string' },
  /** realistic: where the world comes from: `fakes` (default, started here) or `compose` (docker-compose.bench.yml, by URL). */
  world: { type: 'string' },
  /** ingest: which variant the file's rounds are. */
  variant: { type: 'string' },
  /** ingest: an earlier ingested result to add the rounds to. */
  into: { type: 'string' },
  /** ingest k6: the latency Trend to read. */
  trend: { type: 'string' },
  /** realistic: serve a live view of the run on loopback (a port; none or 0 = a free one). */
  dashboard: { type: 'string' },
  /** tight: a folder for .cpuprofile files (one per workload and backend). */
  'cpu-profile': { type: 'string' },
  /** realistic, gate: calibration.json files whose pair luck the CPU intervals count (a later file's scenario wins). */
  calibration: { type: 'string', multiple: true },
} as const;

export function flags<K extends keyof typeof FLAGS>(...names: K[]): Pick<typeof FLAGS, K> {
  return Object.fromEntries(names.map((n) => [n, FLAGS[n]])) as Pick<typeof FLAGS, K>;
}

/**
 * node:util parseArgs in strict mode, its errors turned into one-line UsageErrors, and -h/--help
 * for every command: null means the usage was printed and the command is done (exit 0).
 */
/**
 * `--rounds -1` as `--rounds=-1`: node's parseArgs takes a value starting with "-" for an option
 * ("argument is ambiguous"), which hides the real problem; joined, the flag's own check names the
 * bad value ("--rounds "-1": expected an integer >= 1").
 */
function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
    if (name !== null && options[name]?.type === 'string' && /^-(\d|\.\d)/.test(argv[i + 1] ?? '')) {
      out.push(`${argv[i]}=${argv[i + 1]}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

export function parseCommand<T extends Options>(argv: string[], options: T, spec: { usage: string; positionals?: boolean }) {
  let parsed;
  try {
    const args = joinNegativeValues(argv, options);
    parsed = parseArgs({ args, options: { ...options, ...HELP }, strict: true, allowPositionals: spec.positionals ?? false });
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

/**
 * --until-decided --max-time DURATION (90s, 5m, 1.5h; also ms): sequential rounds, each scenario
 * within DURATION from its start. Returns the limit in milliseconds, or undefined without
 * --until-decided; --max-time alone, --until-decided alone, or a duration that is not one above
 * (or is zero) is a one-line UsageError.
 */
export function untilDecidedFlags(untilDecided: boolean | undefined, maxTime: string | undefined): number | undefined {
  if (!untilDecided) {
    if (maxTime !== undefined) throw new UsageError('--max-time needs --until-decided');
    return undefined;
  }
  if (maxTime === undefined) throw new UsageError('--until-decided needs --max-time DURATION (e.g. 5m)');
  const ms = durationMs(maxTime);
  if (ms === null || !(ms > 0)) throw new UsageError(`--max-time "${maxTime}": expected a duration > 0 such as 90s, 5m or 1h`);
  return ms;
}

const LONG_UNITS_S: Record<string, number> = { m: 60, min: 60, h: 3600 };

/** '90s' -> 90000, '5m' -> 300000, '1h' -> 3600000 (us, ms and s by common/latency.ts); null if not a duration. */
function durationMs(text: string): number | null {
  const long = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(m|min|h)\s*$/i.exec(text);
  if (long) return Number(long[1]) * LONG_UNITS_S[long[2].toLowerCase()] * 1000;
  try {
    return parseDurationUs(text) / 1000;
  } catch (e) {
    if (e instanceof LatencySpecError) return null;
    throw e;
  }
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
