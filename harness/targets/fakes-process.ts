import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { allStarted } from '../../common/all-started.ts';
import { findOnPath } from '../../common/binaries.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { REPO_ROOT, tsxArgs } from '../../common/tsx.ts';
import type { ScenarioWorld } from '../scenario/schema.ts';
import { spawnTracked } from './children.ts';
import { startComposeWorld, worldMode, type WorldMode } from './compose-world.ts';
import { containerNeeds, worldContainers } from './containers.ts';

/** The JSON line fakes/main.ts prints when ready (contract). */
export interface FakesEndpoints {
  provider: string;
  supabase: string;
  redis: string;
  redisKind: 'real' | 'fake' | 'container';
  /** Present when the fakes report it (memory | postgres). */
  store?: string;
  /** The key the Supabase endpoint requires (the compose world's anon JWT); the fakes take any. */
  supabaseKey?: string;
}

export interface RunningFakes {
  readonly endpoints: FakesEndpoints;
  /** For the result's env.world. */
  readonly world: { redis: string; supabase: string; provider: string; paired?: boolean; sharedRedis?: boolean };
  readonly died: Promise<string>;
  stop(): Promise<void>;
}

/**
 * `empirical:file=x` is relative to the scenario file; the fakes read it relative to their config
 * file, which lives in a temp dir: hand them an absolute path.
 */
function absoluteSpec(spec: string | undefined, baseDir: string): string | undefined {
  if (spec === undefined) return undefined;
  const m = /^\s*empirical\s*:\s*file\s*=\s*(.+?)\s*$/i.exec(spec);
  return m ? `empirical:file=${path.resolve(baseDir, m[1])}` : spec;
}

/** The scenario's world as fakes/world.ts WorldConfig (camelCase keys, contract). */
export function worldConfig(world: ScenarioWorld, seed: number, baseDir = process.cwd()): Record<string, unknown> {
  const cfg: Record<string, unknown> = {
    providerLatency: absoluteSpec(world.provider?.latency, baseDir),
    providerErrorRate: world.provider?.errorRate,
    providerRpm: world.provider?.limits?.rpm,
    providerTpm: world.provider?.limits?.tpm,
    supabaseLatency: absoluteSpec(world.supabase?.latency, baseDir),
    supabaseErrorRate: world.supabase?.errorRate,
    store: world.supabase?.store,
    redis: world.redis?.mode,
    redisLatency: absoluteSpec(world.redis?.latency, baseDir),
    seed,
  };
  for (const k of Object.keys(cfg)) if (cfg[k] === undefined) delete cfg[k];
  return cfg;
}

/** `node --import tsx fakes/main.ts --config F` with the scenario's world; ready when it prints its endpoints. */
export async function startFakes(world: ScenarioWorld, seed: number, opts: { baseDir?: string; readyTimeoutMs?: number; mode?: WorldMode; env?: NodeJS.ProcessEnv } = {}): Promise<RunningFakes> {
  // --world compose (or OVERBENCH_WORLD=compose): docker-compose.bench.yml's services, by URL (compose-world.ts).
  if ((opts.mode ?? worldMode()) === 'compose') return startComposeWorld(world);
  // A real Redis / PostgreSQL the scenario insists on, from containers when no binary is here (containers.ts).
  const containers = await worldContainers(world);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-world-'));
  const config = path.join(dir, 'world.json');
  await writeFile(config, JSON.stringify(worldConfig(world, seed, opts.baseDir)));
  const proc = spawnTracked(process.execPath, tsxArgs('fakes/main.ts', ['--config', config]), { name: 'fakes', env: { ...process.env, ...opts.env, ...containers.env }, cwd: REPO_ROOT });
  const cleanup = async () => {
    await proc.stop();
    await containers.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const isEndpoints = (v: Record<string, unknown>) => typeof v.provider === 'string' && typeof v.redis === 'string';
  const endpoints = await readyLine<FakesEndpoints>(proc, isEndpoints, opts.readyTimeoutMs ?? 60_000).catch(async (e: unknown) => {
    await cleanup();
    throw e;
  });
  return {
    endpoints,
    world: {
      redis: containers.started.redis ? 'container' : endpoints.redisKind,
      supabase: `fake-${endpoints.store ?? world.supabase?.store ?? 'memory'}`,
      provider: 'fake',
    },
    died: proc.died,
    stop: cleanup,
  };
}

/** Whether each variant gets a world of its own (startWorlds): the fakes here, and nothing in them that is one server. */
export function worldsPaired(world: ScenarioWorld, mode: WorldMode, env: NodeJS.ProcessEnv = process.env): boolean {
  const needs = containerNeeds(world, env);
  // A Redis or database named by URL is one server, whatever the fakes: it stays shared.
  const external = Boolean(env.REDIS_URL || env.DATABASE_URL);
  return mode === 'fakes' && world.supabase?.store !== 'postgres' && !needs.redis && !needs.postgres && !external;
}

/**
 * A world per variant, or one shared. Paired worlds are the default wherever the world is cheap
 * to start twice (fakes here, the in-memory store, no containers): both start from the same seed,
 * so the same request waits as long in both (common random numbers; fakes/provider/chat.ts).
 * In a closed model that latency sets each client's pace, so one shared world, whose draws the two
 * variants take in turns, made their throughput and latency differ by a few percent per window
 * for no reason of their own. PostgreSQL, containers and a compose world stay shared; the mix's
 * salt (driver/mix.ts) keeps the two variants' cache entries apart there. `distinct`: each world
 * once, to watch and to stop.
 */
export interface Worlds {
  baseline: RunningFakes;
  instrumented: RunningFakes;
  distinct: RunningFakes[];
}

export async function startWorlds(world: ScenarioWorld, seed: number, opts: { baseDir?: string; mode?: WorldMode }): Promise<Worlds> {
  if (!worldsPaired(world, opts.mode ?? worldMode())) {
    const shared = await startFakes(world, seed, opts);
    return { baseline: shared, instrumented: shared, distinct: [shared] };
  }
  const [first, second, shared] = await startPair(world, seed, opts);
  const paired = { ...first.world, paired: true, ...(shared && { sharedRedis: true }) };
  const baseline = { ...first, world: paired };
  const instrumented = { ...second, world: paired };
  return { baseline, instrumented, distinct: [baseline, instrumented] };
}

/**
 * Both worlds of a pair. Where the first one's Redis may turn out to be the RESP fake (no
 * redis-server on PATH, or the fake asked for), the second starts after it, to share it when it is
 * (sharesRedis); otherwise both start at once, as a start-up takes ~1 s.
 */
async function startPair(world: ScenarioWorld, seed: number, opts: { baseDir?: string; mode?: WorldMode }): Promise<[RunningFakes, RunningFakes, boolean]> {
  const mayShare = world.redis?.mode === 'fake' || !findOnPath('redis-server', process.env.PATH ?? '');
  if (!mayShare) {
    const [first, second] = await allStarted<[RunningFakes, RunningFakes]>([startFakes(world, seed, opts), startFakes(world, seed, opts)], (f) => f.stop());
    return [first, second, false];
  }
  const first = await startFakes(world, seed, opts);
  const shared = sharesRedis(world, first.endpoints);
  try {
    const second = shared
      ? await startFakes({ ...world, redis: { ...world.redis, mode: 'auto' } }, seed, { ...opts, env: { REDIS_URL: inDatabase(first.endpoints.redis, 1) } })
      : await startFakes(world, seed, opts);
    return [first, second, shared];
  } catch (e) {
    await first.stop().catch(() => undefined);
    throw e;
  }
}

/**
 * Whether the second world of a pair uses the first one's Redis, each variant in a database of its
 * own: when that Redis is the RESP fake and no latency is injected in front of it (whose draws are
 * common random numbers only per world). Why: the fake is a Node process with luck of its own (JIT,
 * GC), and the daemon's CPU per request follows it. reconnect-churn at the default profile, A/A
 * (`realistic --scenario reconnect-churn --backend none`, a PATH without redis-server, 2026-12-02):
 * with a RESP fake per variant, 8 of 16 pairs of processes (16 or 8 clients) read one daemon
 * 8-11% dearer than the other in every round (sd of the pairs' readings 7%); with a redis-server
 * per variant, 8 of 8 pairs within 1.3% (sd 0.8%); with one RESP fake for both, 8 of 8 within 2.3%
 * (sd 1.0%). A redis-server (C, no JIT) stays one per
 * variant. The salt stays shared (both variants send the same requests): the databases keep their
 * sessions and caches apart.
 */
export function sharesRedis(world: ScenarioWorld, endpoints: Pick<FakesEndpoints, 'redisKind'>): boolean {
  return endpoints.redisKind === 'fake' && world.redis?.latency === undefined;
}

/** The same Redis URL in database `db` (ioredis selects it on connect). */
export function inDatabase(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
