/**
 * `--world compose`: the world of docker-compose.bench.yml (real Redis, PostgreSQL behind
 * PostgREST, the provider fake), used by URL instead of starting fakes/main.ts. Nothing here starts
 * or stops a container: `docker compose -f docker-compose.bench.yml up -d --wait` does, and each
 * service is checked to answer before any load starts. The provider's latency, error rate and rate
 * limits are the scenario's (set at run time through the fake's POST /__control); Supabase and
 * Redis are real, so their scenario latencies do not apply and the run says so.
 *
 * Selected by `realistic --world compose` (or OVERBENCH_WORLD=compose); the URLs default to
 * the ports the compose file publishes and can be pointed elsewhere with OVERBENCH_COMPOSE_*.
 */
import net from 'node:net';
import { UsageError } from '../../common/exit-codes.ts';
import type { ScenarioWorld } from '../scenario/schema.ts';

export type WorldMode = 'fakes' | 'compose';
export const WORLD_MODES: readonly WorldMode[] = ['fakes', 'compose'];

/** Host ports docker-compose.bench.yml publishes (harness/targets/compose-file.test.ts holds the file to them). */
export const COMPOSE_PORTS = {
  redis: 6379,
  supabase: 54321,
  provider: 8090,
  daemonBaseline: { ws: 8765, monitoring: 8082 },
  daemonInstrumented: { ws: 8766, monitoring: 8083 },
} as const;

/** The compose file's anon key (compose/README.md): a JWT `{"role":"anon"}` PostgREST accepts. */
export const COMPOSE_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiIsImlzcyI6Im92ZXJiZW5jaCIsImlhdCI6MTc2NDQ2MDgwMCwiZXhwIjoyMDc5ODIwODAwfQ._hdYWJQNZVLItbx2ZxKywiKdqiqfN6SKijudWGMLNmw';

export const COMPOSE_ENV = {
  redis: 'OVERBENCH_COMPOSE_REDIS_URL',
  supabase: 'OVERBENCH_COMPOSE_SUPABASE_URL',
  supabaseKey: 'SUPABASE_ANON_KEY',
  provider: 'OVERBENCH_COMPOSE_PROVIDER_URL',
} as const;

const UP = 'docker compose -f docker-compose.bench.yml up -d --wait';

/** --world fakes|compose; undefined leaves it to OVERBENCH_WORLD (default fakes). */
export function worldFlag(value: string | undefined): WorldMode | undefined {
  if (value === undefined) return undefined;
  if ((WORLD_MODES as readonly string[]).includes(value)) return value as WorldMode;
  throw new UsageError(`--world "${value}": expected ${WORLD_MODES.join(' or ')}`);
}

export function worldMode(env: NodeJS.ProcessEnv = process.env): WorldMode {
  const v = env.OVERBENCH_WORLD;
  if (v === undefined || v === '') return 'fakes';
  if ((WORLD_MODES as readonly string[]).includes(v)) return v as WorldMode;
  throw new UsageError(`OVERBENCH_WORLD "${v}": expected ${WORLD_MODES.join(' or ')}`);
}

/** The compose world's endpoints: fakes-process.ts's FakesEndpoints (not imported: that module starts this one). */
export interface ComposeEndpoints {
  provider: string;
  supabase: string;
  /** The anon key PostgREST checks; the reference daemon's SUPABASE_KEY. */
  supabaseKey: string;
  redis: string;
  redisKind: 'real';
  store: 'postgres';
}

/** A RunningFakes (fakes-process.ts) made of services someone else runs. */
export interface ComposeWorld {
  readonly endpoints: ComposeEndpoints;
  readonly world: { redis: string; supabase: string; provider: string };
  readonly died: Promise<string>;
  stop(): Promise<void>;
}

export function composeEndpoints(env: NodeJS.ProcessEnv = process.env): ComposeEndpoints {
  return {
    redis: env[COMPOSE_ENV.redis] || `redis://127.0.0.1:${COMPOSE_PORTS.redis}`,
    supabase: env[COMPOSE_ENV.supabase] || `http://127.0.0.1:${COMPOSE_PORTS.supabase}`,
    supabaseKey: env[COMPOSE_ENV.supabaseKey] || COMPOSE_ANON_KEY,
    provider: env[COMPOSE_ENV.provider] || `http://127.0.0.1:${COMPOSE_PORTS.provider}`,
    redisKind: 'real',
    store: 'postgres',
  };
}

/** A Redis PING over a plain socket: +PONG, or a one-line reason. */
function pingRedis(url: string, timeoutMs: number): Promise<string | null> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (why: string | null) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(timeoutMs, () => done('no answer'));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    socket.once('connect', () => socket.write(u.password ? `AUTH ${decodeURIComponent(u.password)}\r\nPING\r\n` : 'PING\r\n'));
    let got = '';
    socket.on('data', (d) => {
      got += d.toString();
      if (got.includes('+PONG')) done(null);
      else if (got.startsWith('-')) done(got.split('\r\n')[0]);
    });
  });
}

async function httpCheck(url: string, init: RequestInit, timeoutMs: number): Promise<string | null> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (e) {
    const cause = (e as { cause?: NodeJS.ErrnoException }).cause;
    return cause?.code ?? (e as Error).message;
  }
}

/**
 * The compose world, checked: every service answers, the provider takes the scenario's latency,
 * error rate and rate limits. Throws one UsageError naming each service that does not answer and
 * how to start them.
 */
export async function startComposeWorld(world: ScenarioWorld, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; warn?: (line: string) => void } = {}): Promise<ComposeWorld> {
  const e = composeEndpoints(opts.env);
  const timeoutMs = opts.timeoutMs ?? 3000;
  const problems = (
    await Promise.all([
      pingRedis(e.redis, timeoutMs).then((why) => why && `redis at ${e.redis}: ${why}`),
      // A table the daemon writes, through the gateway, with the anon key as supabase-js sends it:
      // the schema, the anon role's grants and the key all have to be right for a 200.
      httpCheck(`${e.supabase}/rest/v1/conversations?select=id&limit=1`, { headers: { apikey: e.supabaseKey, authorization: `Bearer ${e.supabaseKey}` } }, timeoutMs).then(
        (why) => why && `supabase at ${e.supabase}/rest/v1/conversations: ${why}`,
      ),
      httpCheck(`${e.provider}/__stats`, {}, timeoutMs).then((why) => why && `provider at ${e.provider}: ${why}`),
    ])
  ).filter((p): p is string => Boolean(p));
  if (problems.length > 0) throw new UsageError(`world compose: ${problems.join('; ')} (start them with: ${UP})`);

  const limits = { rpm: world.provider?.limits?.rpm ?? null, tpm: world.provider?.limits?.tpm ?? null };
  const control: Record<string, unknown> = { latency: world.provider?.latency ?? null, faults: { rate500: world.provider?.errorRate ?? 0 }, limits };
  const why = await httpCheck(`${e.provider}/__control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(control) }, timeoutMs);
  if (why) throw new UsageError(`world compose: the provider at ${e.provider} refused the scenario's provider settings (${why})`);
  const ignored = [
    world.supabase?.latency !== undefined && 'supabase.latency',
    world.supabase?.errorRate !== undefined && 'supabase.errorRate',
    world.redis?.latency !== undefined && 'redis.latency',
    world.redis?.mode === 'fake' && 'redis.mode fake',
    world.supabase?.store === 'memory' && 'supabase.store memory',
  ].filter(Boolean);
  if (ignored.length > 0) (opts.warn ?? ((l) => process.stderr.write(`${l}\n`)))(`world compose: Redis and PostgREST are real; the scenario's ${ignored.join(', ')} do not apply`);
  return {
    endpoints: e,
    world: { redis: 'compose', supabase: 'compose-postgrest', provider: 'compose-fake' },
    // The containers are not ours to watch or stop; a service that goes away shows as errors.
    died: new Promise<string>(() => {}),
    stop: async () => {},
  };
}
