import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { liveChildren } from './children.ts';
import { probeHandshake } from './ready.ts';
import { parseTargetSpec, startTarget } from './start.ts';
import type { RunningTarget } from './types.ts';

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/exai-server.mjs');
const started: RunningTarget[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stop()));
  expect(liveChildren()).toBe(0);
});

function spawnTarget(command: string, env: Record<string, string> = {}) {
  return startTarget({ label: 'baseline', spec: parseTargetSpec(`spawn:${command}`), env, protocol: 'exai', fakes: null });
}

describe('target specs', () => {
  it('parses spawn:, url: (with pid) and none', () => {
    expect(parseTargetSpec(undefined)).toEqual({ kind: 'reference' });
    expect(parseTargetSpec('spawn:node s.js --port {port}')).toEqual({ kind: 'spawn', command: 'node s.js --port {port}' });
    expect(parseTargetSpec('url:ws://127.0.0.1:8079', 42)).toEqual({ kind: 'url', url: 'ws://127.0.0.1:8079', pid: 42 });
    expect(() => parseTargetSpec('http://x')).toThrow(UsageError);
    expect(() => parseTargetSpec('spawn:')).toThrow(/empty command/);
    expect(() => parseTargetSpec('spawn:x', 3)).toThrow(/only meaningful with a "url:"/);
  });
});

describe('spawn targets', () => {
  it('replaces {port}, passes PORT and EXAI_WS_PORT, and is ready when a hello succeeds', async () => {
    // The fixture takes --port from {port}; the second one from $PORT only: both must work.
    const a = await spawnTarget(`node ${FIXTURE} --port {port}`);
    started.push(a);
    const b = await spawnTarget(`node ${FIXTURE}`);
    started.push(b);
    for (const t of [a, b]) {
      expect(t.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      expect(t.pid).toBeGreaterThan(0);
      await probeHandshake(t.url, 'exai', undefined, 2000);
    }
    expect(a.env?.PORT).toBe(a.url.split(':').pop());
    expect(a.env?.EXAI_WS_PORT).toBe(a.env?.PORT);
  });

  it('a target that exits at start is a UsageError carrying its last stderr lines', async () => {
    const err = await spawnTarget(`node ${FIXTURE} --fail-start "cannot open the database"`).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/exited with code 3; last stderr lines: fixture: cannot open the database/);
  });

  it('a target that never answers is a UsageError after the ready timeout', async () => {
    const spec = parseTargetSpec('spawn:echo "warming up" >&2; sleep 30');
    const err = await startTarget({ label: 'instrumented', spec, env: {}, protocol: 'exai', fakes: null, readyTimeoutMs: 1500 }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/instrumented target .* not ready within 2 s \(.*ECONNREFUSED.*\); last stderr lines: warming up/);
  });

  it('a death mid-run resolves `died` with the reason; stop() kills the whole process group', async () => {
    const t = await spawnTarget(`node ${FIXTURE} --port {port} --die-after-ms 800`);
    started.push(t);
    const why = await t.died;
    expect(why).toMatch(/exited with code 4; last stderr lines: fixture: dying on purpose/);

    const busy = await spawnTarget(`node ${FIXTURE} --port {port} --busy-child`);
    const shellPid = busy.pid!;
    await t.stop();
    await busy.stop();
    expect(existsSync(`/proc/${shellPid}`)).toBe(false);
  });
});

describe('url targets', () => {
  it('connects to a running daemon, checks the pid and reports its disappearance', async () => {
    const spawned = await spawnTarget(`node ${FIXTURE} --port {port}`);
    started.push(spawned);
    const url = await startTarget({ label: 'baseline', spec: parseTargetSpec(`url:${spawned.url}`, spawned.pid!), env: {}, protocol: 'exai', fakes: null });
    expect(url.pid).toBe(spawned.pid);
    await expect(
      startTarget({ label: 'baseline', spec: parseTargetSpec('url:ws://127.0.0.1:1'), env: {}, protocol: 'exai', fakes: null }),
    ).rejects.toThrow(UsageError);
    await expect(
      startTarget({ label: 'baseline', spec: parseTargetSpec(`url:${spawned.url}`, 999_999_999), env: {}, protocol: 'exai', fakes: null }),
    ).rejects.toThrow(/no such process/);
    await spawned.stop();
    expect(await url.died).toMatch(/is gone/);
    await url.stop();
  });
});
