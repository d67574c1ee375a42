import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
  readonly world: { redis: string; supabase: string; provider: string; paired?: boolean };
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
export async function startFakes(world: ScenarioWorld, seed: number, opts: { baseDir?: string; readyTimeoutMs?: number; mode?: WorldMode } = {}): Promise<RunningFakes> {
  // --world compose (or OVERBENCH_WORLD=compose): docker-compose.bench.yml's services, by URL (compose-world.ts).
  if ((opts.mode ?? worldMode()) === 'compose') return startComposeWorld(world);
  // A real Redis / PostgreSQL the scenario insists on, from containers when no binary is here (containers.ts).
  const containers = await worldContainers(world);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-world-'));
  const config = path.join(dir, 'world.json');
  await writeFile(config, JSON.stringify(worldConfig(world, seed, opts.baseDir)));
  const proc = spawnTracked(process.execPath, tsxArgs('fakes/main.ts', ['--config', config]), { name: 'fakes', env: { ...process.env, ...containers.env }, cwd: REPO_ROOT });
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
  const settled = await Promise.allSettled([startFakes(world, seed, opts), startFakes(world, seed, opts)]);
  const up = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(up.map((f) => f.stop().catch(() => undefined)));
    throw failed.reason;
  }
  const [baseline, instrumented] = up.map((f) => ({ ...f, world: { ...f.world, paired: true } }));
  return { baseline, instrumented, distinct: [baseline, instrumented] };
}
