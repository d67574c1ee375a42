import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { overbench } from '../cli/testing/cli.ts';
import { Result } from '../result/schema.ts';

/**
 * A broken world through the real CLI: the reference daemon pointed (by the scenario's env, which
 * wins over the fakes' endpoints) at a Redis port where nothing listens answers REDIS_ERROR, which
 * no world setting injects. The run stops after the first round and exits 2 with one line.
 */
describe('a world that produced errors it did not inject', () => {
  it('exits 2 with one line naming the error code and its counts; the result has the error and no comparisons', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-world-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'broken-world.json');
    await writeFile(file, JSON.stringify({
      name: 'broken-world',
      clients: 2,
      load: { model: 'closed', thinkTime: 'constant:v=5ms' },
      mix: [{ weight: 1, tool: 'chat', args: { prompt: 'hi' } }, { weight: 1, tool: 'status' }],
      world: { provider: { latency: 'constant:v=1ms' }, supabase: { latency: 'constant:v=1ms' } },
      env: { REDIS_URL: 'redis://127.0.0.1:1', EXAI_RATE_LIMIT: 'off' },
      rounds: 5, warmupSec: 0, measureSec: 0.5,
      budgets: { p50: 50 },
    }));
    const out = path.join(dir, 'out');
    const ran = await overbench(['realistic', '--scenario', file, '--out', out, '--seed', '1'], { timeoutMs: 60_000 });
    expect(ran.code).toBe(2);
    const lines = ran.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^overbench: scenario broken-world: the world produced errors it did not inject: REDIS_ERROR x \d+ \(baseline \d+, instrumented \d+\).*; no verdict$/);
    expect(existsSync(path.join(out, 'latest.json'))).toBe(true);
    const s = Result.parse(JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8'))).scenarios[0];
    expect(s.error).toMatch(/REDIS_ERROR/);
    expect(s.comparisons).toEqual([]);
    // Stopped once a round showed it: both variants of round 1 measured, no more.
    expect(s.rounds.map((r) => r.round)).toEqual([1, 1]);
  }, 70_000);
});

/**
 * A provider rate limit set by the scenario: both daemons' chat calls go over 6 requests a minute,
 * the provider answers 429 and the daemons report PROVIDER_ERROR (no retries, then the circuit's
 * PROVIDER_UNAVAILABLE). The world injected those on purpose: the run is judged, not stopped.
 */
describe('a provider rate limit the scenario set', () => {
  it('its 429s reach clients as provider errors, which count as injected: comparisons and a verdict, no exit 2', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-world-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'rate-limited.json');
    await writeFile(file, JSON.stringify({
      name: 'rate-limited',
      clients: 2,
      load: { model: 'closed', thinkTime: 'constant:v=5ms' },
      mix: [{ weight: 1, tool: 'chat', args: { prompt: 'hi' } }, { weight: 1, tool: 'status' }],
      world: { provider: { latency: 'constant:v=1ms', limits: { rpm: 6 } }, supabase: { latency: 'constant:v=1ms' }, redis: { mode: 'fake' } },
      env: { EXAI_RATE_LIMIT: 'off', EXAI_PROVIDER_MAX_RETRIES: '0' },
      rounds: 5, warmupSec: 0, measureSec: 0.5,
      budgets: { p50: 50, errorRate: 100 },
    }));
    const out = path.join(dir, 'out');
    const ran = await overbench(['realistic', '--scenario', file, '--out', out, '--seed', '1'], { timeoutMs: 90_000 });
    expect(ran.stderr).not.toContain('did not inject');
    expect([0, 1, 3]).toContain(ran.code);
    const s = Result.parse(JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8'))).scenarios[0];
    expect(s.error).toBeUndefined();
    expect(s.rounds).toHaveLength(10);
    expect(s.comparisons.map((c) => c.metric)).toContain('errorRate');
    const providerErrors = (variant: string) =>
      s.rounds.filter((r) => r.variant === variant).reduce((n, r) => n + (r.errorsByKind?.PROVIDER_ERROR ?? 0) + (r.errorsByKind?.PROVIDER_UNAVAILABLE ?? 0), 0);
    expect(providerErrors('baseline')).toBeGreaterThan(0);
    expect(providerErrors('instrumented')).toBeGreaterThan(0);
  }, 100_000);
});
