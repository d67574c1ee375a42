import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnChild } from '../../common/child-process/child.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { UsageError } from '../../common/exit-codes.ts';
import { LatencySpecError } from '../../common/latency.ts';
import type { RunningServer } from '../common/running.ts';
import { dockerAnswers } from './docker.ts';
import { findRedis } from './find.ts';
import { startRespFake } from './resp-fake.ts';
import { descendants, gone, processesMatching } from '../../common/testing/procs.ts';
import { redisPing } from '../common/testing/redis-ping.ts';

const PATH_ONLY = { PATH: process.env.PATH };
const NO_DOCKER = 'unix:///nonexistent/docker.sock';

describe('findRedis', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  it("mode 'fake' serves the RESP fake", async () => {
    const found = await findRedis({ mode: 'fake', env: PATH_ONLY });
    cleanup.push(() => found.close());
    expect(found.kind).toBe('fake');
    expect(await redisPing(found.url)).toBe('PONG');
  });

  it("mode 'real' without REDIS_URL or redis-server is a clear UsageError", async () => {
    const err = await findRedis({ mode: 'real', env: { PATH: '/nonexistent' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/no REDIS_URL is set and no redis-server is on PATH/);
  });

  it("mode 'auto' prefers REDIS_URL and never stops the user's server", async () => {
    const theirs: RunningServer = await startRespFake();
    cleanup.push(() => theirs.close());
    const found = await findRedis({ env: { ...PATH_ONLY, REDIS_URL: theirs.url } });
    expect(found).toMatchObject({ url: theirs.url, kind: 'real' });
    await found.close();
    expect(await redisPing(theirs.url)).toBe('PONG');
  });

  it('a REDIS_URL that does not answer is a UsageError naming it', async () => {
    const dead = await startRespFake();
    await dead.close();
    const err = await findRedis({ env: { REDIS_URL: dead.url } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^REDIS_URL: redis:\/\/127\.0\.0\.1:\d+ does not answer PING/);
  });

  it("mode 'auto' with no binary and no Docker falls back to the fake", async () => {
    const found = await findRedis({ env: { PATH: '/nonexistent' }, dockerHost: NO_DOCKER });
    cleanup.push(() => found.close());
    expect(found.kind).toBe('fake');
  });

  it('a bad latency spec is rejected before anything starts', async () => {
    const before = new Set(descendants(process.pid));
    await expect(findRedis({ mode: 'real', env: PATH_ONLY, latency: 'constant:v=5' })).rejects.toThrow(LatencySpecError);
    expect(descendants(process.pid).filter((pid) => !before.has(pid))).toEqual([]);
    // The spec is checked first: with no redis-server either, the spec is what is reported.
    await expect(findRedis({ mode: 'real', env: { PATH: '/nonexistent' }, latency: 'constant:v=5' })).rejects.toThrow(LatencySpecError);
  });

  it('rejects an unknown mode', async () => {
    await expect(findRedis({ mode: 'bogus' as never })).rejects.toThrow(/redis mode "bogus"/);
  });
});

describeWithDeps(['redis-server'], 'findRedis with redis-server installed', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  it("mode 'real' starts redis-server on an ephemeral port and stops it on close", async () => {
    const found = await findRedis({ mode: 'real', env: PATH_ONLY });
    expect(found.kind).toBe('real');
    expect(await redisPing(found.url)).toBe('PONG');
    const port = new URL(found.url).port;
    const [pid] = processesMatching('redis-server', `127.0.0.1:${port}`);
    expect(pid).toBeGreaterThan(0);
    await found.close();
    expect(await gone(pid)).toBe(true);
    expect(processesMatching('redis-server', `127.0.0.1:${port}`)).toEqual([]);
  });

  it("mode 'auto' on this machine takes the redis-server binary", async () => {
    const found = await findRedis({ env: PATH_ONLY });
    cleanup.push(() => found.close());
    expect(found.kind).toBe('real');
  });

  it('puts a latency proxy in front: a PING takes at least the added latency', async () => {
    const found = await findRedis({ mode: 'real', env: PATH_ONLY, latency: 'constant:v=30ms', seed: 7 });
    cleanup.push(() => found.close());
    const r = new Redis(found.url);
    try {
      await r.ping();
      const t0 = performance.now();
      for (let i = 0; i < 3; i++) await r.ping();
      expect((performance.now() - t0) / 3).toBeGreaterThanOrEqual(29);
    } finally {
      r.disconnect();
    }
  });
});

describeWithDeps(['redis-server'], 'redis-server does not outlive its parent', () => {
  const findTs = new URL('./find.ts', import.meta.url).pathname;
  const script = (end: string) => `
    import { findRedis } from ${JSON.stringify(findTs)};
    const found = await findRedis({ mode: 'real' });
    console.log(JSON.stringify(found.process));
    ${end}
  `;

  for (const how of ['exit', 'SIGKILL'] as const) {
    it(`parent ends by ${how}: redis-server gone, temp dir removed`, async () => {
      const end = how === 'exit' ? 'process.exit(0);' : 'setInterval(() => {}, 1000);';
      const parent = spawnChild(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(end)], {
        name: 'parent of redis-server',
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, REDIS_URL: '' },
      });
      const { pid, dir } = await readyLine<{ pid: number; dir: string }>(parent);
      expect(pid).toBeGreaterThan(0);
      expect(dir).toMatch(/overbench-redis-/);
      if (how === 'SIGKILL') parent.signal('SIGKILL');
      await parent.exited;
      expect(await gone(pid)).toBe(true);
      // The watchdog removes the dir right after redis-server exits.
      for (let i = 0; i < 100 && existsSync(dir); i++) await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(dir)).toBe(false);
    });
  }
});

describe('dockerAnswers', () => {
  it('is false at once when the socket does not exist', async () => {
    expect(await dockerAnswers({ dockerHost: NO_DOCKER })).toBe(false);
  });

  it('is true when the socket answers /_ping, false when it stays silent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overbench-docker-'));
    const ok = http.createServer((req, res) => res.end(req.url === '/_ping' ? 'OK' : ''));
    const silent = http.createServer(() => {});
    try {
      await new Promise<void>((r) => ok.listen(join(dir, 'ok.sock'), r));
      await new Promise<void>((r) => silent.listen(join(dir, 'silent.sock'), r));
      expect(await dockerAnswers({ dockerHost: `unix://${join(dir, 'ok.sock')}` })).toBe(true);
      expect(await dockerAnswers({ dockerHost: `unix://${join(dir, 'silent.sock')}`, timeoutMs: 200 })).toBe(false);
      expect(existsSync(join(dir, 'ok.sock'))).toBe(true);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => ok.close(r));
      await new Promise((r) => silent.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
