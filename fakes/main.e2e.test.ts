/**
 * `npm run fakes` as a process, the way the harness uses it: spawn `node --import tsx
 * fakes/main.ts`, read the one JSON line, talk to every endpoint with real clients, stop it with
 * a signal, and prove nothing it started is left (every process carrying this run's env marker:
 * the fakes process, the redis-server watchdog and server, PostgreSQL's daemons).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnChild } from '../common/child-process/child.ts';
import { readyLine } from '../common/child-process/ready-line.ts';
import { leftAfter, processesMatching, processesWithEnv } from '../common/testing/procs.ts';
import { hasSystemDep } from '../common/testing/system-deps.ts';
import { redisPing } from './common/testing/redis-ping.ts';

const MARK = 'OVERBENCH_FAKES_E2E';
const children = new Set<ChildProcess>();

interface Started {
  child: ChildProcess;
  mark: string;
  endpoints: Record<string, string>;
}

/** Spawn fakes/main.ts; resolves at its ready line (the endpoints). */
async function startFakes(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const mark = randomUUID();
  const fakes = spawnChild(process.execPath, ['--import', 'tsx', 'fakes/main.ts', ...args], {
    name: 'fakes',
    cwd: process.cwd(),
    env: { ...process.env, REDIS_URL: '', DATABASE_URL: '', ...env, [MARK]: mark },
  });
  children.add(fakes.process);
  const endpoints = await readyLine<Record<string, string>>(fakes, undefined, 90_000);
  return { child: fakes.process, mark, endpoints };
}

/** Signal it, wait for the exit code, and wait (briefly) for everything it started to be gone. */
async function stop(s: Started, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; left: number[] }> {
  const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
  s.child.kill(signal);
  const code = await exited;
  children.delete(s.child);
  const left = await leftAfter(() => processesWithEnv(MARK, s.mark), 2500);
  return { code, left };
}

/** Run to completion (bad input cases): exit code and both streams. */
function runFakes(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string; mark: string }> {
  const mark = randomUUID();
  const child = spawn(process.execPath, ['--import', 'tsx', 'fakes/main.ts', ...args], {
    env: { ...process.env, REDIS_URL: '', DATABASE_URL: '', ...env, [MARK]: mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.once('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr, mark });
    }),
  );
}

async function providerAnswers(base: string): Promise<string> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'glm-4', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { object: string; choices: unknown[] };
  expect(body.choices.length).toBeGreaterThan(0);
  return body.object;
}

async function supabaseAnswers(base: string): Promise<unknown> {
  const insert = await fetch(`${base}/rest/v1/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', apikey: 'k', prefer: 'return=representation' },
    body: JSON.stringify({ id: randomUUID(), title: 'e2e' }),
  });
  expect(insert.status).toBe(201);
  const res = await fetch(`${base}/rest/v1/conversations?select=title&title=eq.e2e`, { headers: { apikey: 'k' } });
  expect(res.status).toBe(200);
  return res.json();
}

// A test that failed half-way leaves its fakes running: stop them the polite way first (SIGKILL
// would skip the PostgreSQL shutdown), then for sure.
afterAll(async () => {
  await Promise.all(
    [...children].map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}, 30_000);

// With redis-server installed the fakes start one, and these tests check it is stopped too.
const realRedis = hasSystemDep('redis-server');

describe('npm run fakes (process)', () => {
  it('prints one JSON line, serves all three, and SIGTERM leaves no child', async () => {
    const s = await startFakes(['--redis', 'auto', '--seed', '5']);
    expect(Object.keys(s.endpoints)).toEqual(['provider', 'supabase', 'redis', 'redisKind']);
    expect(s.endpoints.provider).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.endpoints.supabase).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.endpoints.redis).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(s.endpoints.redisKind).toBe(realRedis ? 'real' : 'fake');
    expect(await providerAnswers(s.endpoints.provider)).toBe('chat.completion');
    expect(await supabaseAnswers(s.endpoints.supabase)).toEqual([{ title: 'e2e' }]);
    expect(await redisPing(s.endpoints.redis)).toBe('PONG');
    const port = new URL(s.endpoints.redis).port;
    expect(processesMatching('redis-server', `127.0.0.1:${port}`).length).toBe(realRedis ? 1 : 0);
    expect(processesWithEnv(MARK, s.mark).length).toBeGreaterThanOrEqual(realRedis ? 3 : 1); // node, watchdog, redis-server

    const { code, left } = await stop(s, 'SIGTERM');
    expect(code).toBe(0);
    expect(left).toEqual([]);
    expect(processesMatching('redis-server', `127.0.0.1:${port}`)).toEqual([]);
  }, 90_000);

  it('--redis fake with --config FILE (and a flag overriding the file), stopped by SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overbench-fakes-e2e-'));
    try {
      const file = join(dir, 'world.json');
      writeFileSync(file, JSON.stringify({ redis: 'real', redisLatency: 'constant:v=25ms', providerLatency: 'constant:v=40ms', seed: 3 }));
      const s = await startFakes(['--config', file, '--redis', 'fake']);
      expect(s.endpoints.redisKind).toBe('fake');
      const r = new Redis(s.endpoints.redis);
      try {
        await r.set('k', 'v');
        const t0 = performance.now();
        expect(await r.get('k')).toBe('v');
        expect(performance.now() - t0).toBeGreaterThanOrEqual(24); // through the latency proxy
      } finally {
        r.disconnect();
      }
      const t0 = performance.now();
      await providerAnswers(s.endpoints.provider);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(39);
      const { code, left } = await stop(s, 'SIGINT');
      expect(code).toBe(0);
      expect(left).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('--store postgres: a throwaway cluster that SIGTERM stops and removes', async () => {
    const s = await startFakes(['--store', 'postgres', '--redis', 'fake']);
    expect(await supabaseAnswers(s.endpoints.supabase)).toEqual([{ title: 'e2e' }]);
    const ours = processesWithEnv(MARK, s.mark);
    const postgres = processesMatching('overbench-pg-').filter((pid) => ours.includes(pid));
    expect(postgres.length).toBeGreaterThan(0);
    const { code, left } = await stop(s);
    expect(code).toBe(0);
    expect(left).toEqual([]);
  }, 120_000);

  it('stops by itself when its parent is killed without a signal to it', async () => {
    const mark = randomUUID();
    // The parent is a shell that we SIGKILL: fakes/main.ts is left reparented and must notice.
    const sh = spawnChild('sh', ['-c', `"${process.execPath}" --import tsx fakes/main.ts --redis ${realRedis ? 'real' : 'fake'} & wait`], {
      name: 'sh running the fakes',
      env: { ...process.env, REDIS_URL: '', [MARK]: mark },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const shell = sh.process;
    children.add(shell);
    const endpoints = await readyLine(sh, undefined, 90_000);
    expect(endpoints).toMatchObject({ redisKind: realRedis ? 'real' : 'fake' });
    expect(processesWithEnv(MARK, mark).length).toBeGreaterThanOrEqual(realRedis ? 3 : 1);
    shell.kill('SIGKILL');
    children.delete(shell);
    expect(await leftAfter(() => processesWithEnv(MARK, mark), 10_000)).toEqual([]);
  }, 90_000);
});

// The full list of bad inputs is checked in-process (main.test.ts); as a process, a few cases
// prove the exit code, the single stderr line and that nothing was started.
describe.concurrent('npm run fakes: bad input is one line, exit 2, nothing started', () => {
  const cases: Array<[string, string[], NodeJS.ProcessEnv, RegExp]> = [
    ['an unknown flag', ['--bogus', '1'], {}, /^fakes: unknown flag --bogus/],
    ['a bad latency spec', ['--provider-latency', 'lognormal:median=5ms'], {}, /^fakes: --provider-latency: latency spec "lognormal:median=5ms": missing key "p99"/],
    ['--redis real without redis-server on PATH', ['--redis', 'real'], { PATH: '/nonexistent' }, /^fakes: --redis real: no REDIS_URL is set and no redis-server is on PATH/],
  ];
  for (const [what, args, env, message] of cases) {
    it(what, async () => {
      const r = await runFakes(args, env);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(processesWithEnv(MARK, r.mark)).toEqual([]);
    }, 90_000);
  }
});
