/**
 * Find a Redis for a run. `auto` takes the most real one available:
 *   1. REDIS_URL (the user's own server; checked with a PING, never stopped by us),
 *   2. redis-server on PATH, started here (redis-server.ts),
 *   3. a Docker engine that answers: testcontainers redis:7-alpine,
 *   4. the RESP fake.
 * `real` insists on 1 or 2; `fake` takes 4. With `latency`, a latency proxy sits in front and
 * its URL is returned; the spec is added once per client -> server chunk, i.e. once per
 * request/reply round trip.
 */
import { findOnPath } from '../../common/binaries.ts';
import { UsageError } from '../../common/exit-codes.ts';
import { parseLatency } from '../../common/latency.ts';
import { startLatencyProxy } from '../proxy/latency-proxy.ts';
import { dockerAnswers, startRedisContainer } from './docker.ts';
import { pingRedis } from './ping.ts';
import { startRedisServer } from './redis-server.ts';
import { startRespFake } from './resp-fake.ts';

export type RedisMode = 'auto' | 'real' | 'fake';
export type RedisKind = 'real' | 'fake' | 'container';

export interface FindRedisOptions {
  mode?: RedisMode;
  /** Latency spec added in front of the Redis (through the latency proxy). */
  latency?: string;
  seed?: number;
  /** Where REDIS_URL and PATH are read (default process.env); tests pass their own. */
  env?: NodeJS.ProcessEnv;
  /** Docker endpoint to probe (default DOCKER_HOST or the standard socket). */
  dockerHost?: string;
  /** For `empirical:file=` latency specs (default cwd). */
  baseDir?: string;
}

export interface FoundRedis {
  url: string;
  kind: RedisKind;
  /** The redis-server we started (not set for REDIS_URL, containers or the fake). */
  process?: { pid: number; dir: string };
  close(): Promise<void>;
}

const REDIS_URL_TIMEOUT_MS = 2000;

async function fromRedisUrl(url: string): Promise<FoundRedis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`REDIS_URL "${url}" is not a URL (expected redis://host:port)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`REDIS_URL "${url}" must start with redis:// or rediss://`);
  }
  // A TLS server cannot be pinged with a raw socket; the client will find out soon enough.
  if (parsed.protocol === 'redis:') {
    try {
      await pingRedis(url, REDIS_URL_TIMEOUT_MS);
    } catch (e) {
      throw new UsageError(`REDIS_URL: ${(e as Error).message}`);
    }
  }
  return { url, kind: 'real', close: async () => {} };
}

/** Throws the UsageError of `--redis real` when there is neither REDIS_URL nor redis-server. */
export function requireRealRedis(env: NodeJS.ProcessEnv = process.env): void {
  if (env.REDIS_URL || findOnPath('redis-server', env.PATH ?? '')) return;
  throw new UsageError('--redis real: no REDIS_URL is set and no redis-server is on PATH (install redis-server, or use --redis auto|fake)');
}

async function pick(opts: FindRedisOptions): Promise<FoundRedis> {
  const env = opts.env ?? process.env;
  const mode = opts.mode ?? 'auto';
  if (mode !== 'fake') {
    if (env.REDIS_URL) return fromRedisUrl(env.REDIS_URL);
    const bin = findOnPath('redis-server', env.PATH ?? '');
    if (bin) {
      const server = await startRedisServer(bin).catch((e: Error) => {
        throw new UsageError(e.message);
      });
      return { url: server.url, kind: 'real', process: { pid: server.pid, dir: server.dir }, close: () => server.close() };
    }
    if (mode === 'real') requireRealRedis(env);
    if (await dockerAnswers({ dockerHost: opts.dockerHost })) {
      try {
        const container = await startRedisContainer();
        return { url: container.url, kind: 'container', close: () => container.close() };
      } catch (e) {
        // An engine that answers but cannot run the image (offline pull, no rights): the fake
        // still serves, and the run reports redisKind "fake", so nothing is hidden.
        process.stderr.write(`redis: Docker answered but redis:7-alpine did not start (${(e as Error).message.split('\n')[0]}); using the RESP fake\n`);
      }
    }
  }
  const fake = await startRespFake();
  return { url: fake.url, kind: 'fake', close: () => fake.close() };
}

/** The URL with its host and port replaced, keeping credentials and the db path. */
function via(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString().replace(/\/$/, '');
}

export async function findRedis(opts: FindRedisOptions = {}): Promise<FoundRedis> {
  if (opts.mode !== undefined && !['auto', 'real', 'fake'].includes(opts.mode)) {
    throw new UsageError(`redis mode "${String(opts.mode)}" is not one of auto, real, fake`);
  }
  // Validate before starting anything: a bad spec must not leave a redis-server behind.
  if (opts.latency) parseLatency(opts.latency, { baseDir: opts.baseDir });
  const found = await pick(opts);
  if (!opts.latency) return found;
  try {
    const target = new URL(found.url);
    const proxy = await startLatencyProxy({
      targetHost: target.hostname.replace(/^\[|\]$/g, ''),
      targetPort: Number(target.port || 6379),
      up: opts.latency,
      seed: opts.seed,
      baseDir: opts.baseDir,
    });
    return {
      ...found,
      url: via(found.url, proxy.port),
      close: async () => {
        await proxy.close();
        await found.close();
      },
    };
  } catch (e) {
    await found.close();
    throw e;
  }
}
