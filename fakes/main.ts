/**
 * `npm run fakes`: start the world (provider, Supabase, Redis) on ephemeral loopback ports,
 * print ONE JSON line with the endpoints when everything answers, serve until SIGINT/SIGTERM,
 * then stop every child (redis-server, PostgreSQL) before exiting 0. It also stops when its
 * parent dies without a word, so a killed harness does not leave a world running.
 *
 * Everything is validated before anything starts: a bad flag, spec or config file is one line
 * on stderr and exit 2 with nothing started; so is a missing redis-server for `--redis real`,
 * missing PostgreSQL for `--store postgres`, or a port that cannot be bound.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgv, type FlagOptions } from '../common/argv.ts';
import { onParentDeath } from '../common/orphan.ts';
import { ExitCode, UsageError } from '../common/exit-codes.ts';
import { WORLD_CONFIG_KEYS, validateWorldConfig, type WorldConfig } from './world-config.ts';
import type { World } from './world.ts';

const USAGE = `Usage: npm run fakes -- [options]

Starts the provider, Supabase and Redis fakes on 127.0.0.1 (ephemeral ports), prints one JSON line
  {"provider":"http://127.0.0.1:P","supabase":"http://127.0.0.1:P","redis":"redis://127.0.0.1:P","redisKind":"real|fake|container"}
and serves until SIGINT/SIGTERM.

Options (flags override --config):
  --provider-latency SPEC     provider response latency, e.g. lognormal:median=120ms,p99=900ms
  --provider-error-rate R     fraction of provider requests answered 500 (0..1)
  --provider-rpm N            provider requests per minute; above it 429 with Retry-After
  --provider-tpm N            provider tokens (prompt + reply) per minute; above it 429 with Retry-After
  --provider-key KEY          require "Authorization: Bearer KEY" at the provider
  --supabase-latency SPEC     per-request Supabase latency, e.g. normal:mean=8ms,sd=2ms
  --supabase-error-rate R     fraction of Supabase requests answered 503 (0..1)
  --redis auto|real|fake      auto: REDIS_URL, redis-server on PATH, Docker, else the RESP fake
  --redis-latency SPEC        latency added per Redis round trip (TCP proxy), e.g. constant:v=0.2ms
  --store memory|postgres     Supabase store (postgres: DATABASE_URL or a throwaway cluster)
  --seed N                    seed of every latency and fault draw (default 1)
  --config FILE               JSON object with the same settings in camelCase
                              (${WORLD_CONFIG_KEYS.join(', ')})
  -h, --help                  this help

Latency specs: constant:v=  uniform:min=,max=  normal:mean=,sd=  lognormal:median=,p99=
  exponential:mean=  empirical:file=PATH   (units us, ms, s)`;

type FlagKind = 'string' | 'number';
/** The world's settings as flags: every one takes a value; numbers are checked to be numbers here. */
const FLAGS: Record<string, { key: keyof WorldConfig; kind: FlagKind }> = {
  'provider-latency': { key: 'providerLatency', kind: 'string' },
  'provider-error-rate': { key: 'providerErrorRate', kind: 'number' },
  'provider-rpm': { key: 'providerRpm', kind: 'number' },
  'provider-tpm': { key: 'providerTpm', kind: 'number' },
  'provider-key': { key: 'providerKey', kind: 'string' },
  'supabase-latency': { key: 'supabaseLatency', kind: 'string' },
  'supabase-error-rate': { key: 'supabaseErrorRate', kind: 'number' },
  redis: { key: 'redis', kind: 'string' },
  'redis-latency': { key: 'redisLatency', kind: 'string' },
  store: { key: 'store', kind: 'string' },
  seed: { key: 'seed', kind: 'number' },
};

const OPTIONS: FlagOptions = {
  ...Object.fromEntries(Object.keys(FLAGS).map((name) => [name, { type: 'string' }])),
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

interface Parsed {
  help: boolean;
  configFile?: string;
  flags: Record<string, unknown>;
}

/** `--flag value` and `--flag=value` (node:util parseArgs, strict); every problem names the flag. */
export function parseFlags(argv: readonly string[]): Parsed {
  const { values } = parseArgv(argv, OPTIONS);
  const out: Parsed = { help: values.help === true, flags: {} };
  if (typeof values.config === 'string') out.configFile = values.config;
  for (const [name, { key, kind }] of Object.entries(FLAGS)) {
    const value = values[name];
    if (typeof value !== 'string') continue;
    if (kind === 'string') {
      out.flags[key] = value;
      continue;
    }
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name}: "${value}" is not a number`);
    out.flags[key] = n;
  }
  return out;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--config ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config ${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`--config ${file}: must be a JSON object of settings`);
  }
  return data as Record<string, unknown>;
}

/** Flags and config file merged and validated; throws UsageError naming the flag or file. */
export function resolveConfig(parsed: Parsed): { config: WorldConfig; baseDir: string } {
  let fromFile: Record<string, unknown> = {};
  let baseDir = process.cwd();
  if (parsed.configFile !== undefined) {
    fromFile = readConfigFile(parsed.configFile);
    // empirical:file= paths in a config file are relative to the file.
    baseDir = dirname(resolve(parsed.configFile));
    validateWorldConfig(fromFile, { where: `--config ${parsed.configFile}: `, baseDir, checkBinaries: false });
  }
  // Flags are checked on their own first, so an error names the flag, not a config key.
  for (const [name, { key }] of Object.entries(FLAGS)) {
    if (key in parsed.flags) validateWorldConfig({ [key]: parsed.flags[key] }, { label: () => `--${name}`, checkBinaries: false });
  }
  return { config: validateWorldConfig({ ...fromFile, ...parsed.flags }, { baseDir }), baseDir };
}

export async function run(argv: string[]): Promise<number> {
  let world: World | undefined;
  let stopRequested = false;
  let stopped: () => void = () => {};
  const untilStopped = new Promise<void>((r) => (stopped = r));
  // Installed first: a signal during start-up stops what has started instead of orphaning it.
  const onSignal = () => {
    stopRequested = true;
    stopped();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A parent that dies without signalling us (SIGKILL of the harness or of `npm run fakes`)
  // leaves us reparented: stop then too, rather than serving (and keeping redis-server/PostgreSQL
  // alive) for nobody.
  const stopWatching = onParentDeath(onSignal);
  try {
    const parsed = parseFlags(argv);
    if (parsed.help) {
      process.stdout.write(USAGE + '\n');
      return ExitCode.Pass;
    }
    const { config, baseDir } = resolveConfig(parsed);
    // Loaded only now: bad input is answered without loading the servers' modules.
    const { startWorld } = await import('./world.ts');
    world = await startWorld(config, { baseDir });
    if (!stopRequested) {
      process.stdout.write(JSON.stringify(world.endpoints) + '\n');
      await untilStopped;
    }
    return ExitCode.Pass;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`fakes: ${e.message}\n`);
      return ExitCode.BadInput;
    }
    throw e;
  } finally {
    stopWatching();
    await world?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error('fakes: internal error:', e);
      process.exit(ExitCode.Fail);
    },
  );
}
