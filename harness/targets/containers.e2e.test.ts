import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAnswers } from '../../common/docker.ts';
import { containerNeeds, worldContainers } from './containers.ts';

/** An env with no local redis-server and no system PostgreSQL (and no URLs): containers are wanted. */
const BARE: NodeJS.ProcessEnv = { PATH: '/nonexistent', PG_BIN_DIR: '/nonexistent' };
const REAL_WORLD = { redis: { mode: 'real' as const }, supabase: { store: 'postgres' as const } };

describe('when containers are wanted', () => {
  it('only for a real Redis / PostgreSQL the scenario insists on, with no URL and no local binary', () => {
    expect(containerNeeds(REAL_WORLD, BARE)).toEqual({ redis: true, postgres: true });
    expect(containerNeeds({ redis: { mode: 'auto' }, supabase: { store: 'memory' } }, BARE)).toEqual({ redis: false, postgres: false });
    expect(containerNeeds(REAL_WORLD, { ...BARE, REDIS_URL: 'redis://x:6379', DATABASE_URL: 'postgres://x/db' })).toEqual({ redis: false, postgres: false });
  });

  it('starts nothing, and does not ask Docker, when nothing is wanted; nothing when Docker does not answer', async () => {
    let asked = 0;
    const none = await worldContainers({ redis: { mode: 'fake' } }, { env: BARE, docker: async () => (asked++, true) });
    expect([none.env, asked]).toEqual([{}, 0]);
    const noEngine = await worldContainers(REAL_WORLD, { env: BARE, docker: async () => false });
    expect(noEngine.env).toEqual({});
    expect(noEngine.started).toEqual({ redis: false, postgres: false });
  });
});

describe('the Docker probe', () => {
  let dir: string;
  let server: Server;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-docker-'));
    // A real HTTP server on a unix socket that answers /_ping as an engine does.
    server = createServer((req, res) => res.writeHead(req.url === '/_ping' ? 200 : 404).end('OK'));
    await new Promise<void>((r) => server.listen(path.join(dir, 'docker.sock'), r));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('answers true for an engine that pings back, false for a missing socket or a scheme it cannot reach', async () => {
    expect(await dockerAnswers({ dockerHost: `unix://${path.join(dir, 'docker.sock')}` })).toBe(true);
    expect(await dockerAnswers({ dockerHost: `unix://${path.join(dir, 'absent.sock')}` })).toBe(false);
    expect(await dockerAnswers({ dockerHost: 'ssh://somewhere' })).toBe(false);
  });
});

// The containers themselves need an engine; where none answers (our build machines) this suite is
// skipped, and its name says why.
const engine = await dockerAnswers();
const title = `redis:7-alpine and postgres:15 from testcontainers${engine ? '' : ' [skipped: no Docker engine answers at DOCKER_HOST or /var/run/docker.sock]'}`;
if (!engine) console.log(`containers.e2e.test.ts: ${title.slice(title.indexOf('[') + 1, -1)}; the testcontainers path is not exercised on this machine`);
describe.skipIf(!engine)(title, () => {
  it('starts both, hands their URLs on, and stops them', async () => {
    const c = await worldContainers(REAL_WORLD, { env: { ...BARE, DOCKER_HOST: process.env.DOCKER_HOST } });
    try {
      expect(c.started).toEqual({ redis: true, postgres: true });
      const redis = new Redis(c.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();
      const db = new pg.Client({ connectionString: c.env.DATABASE_URL });
      await db.connect();
      expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await db.end();
    } finally {
      await c.stop();
    }
  }, 180_000);
});
