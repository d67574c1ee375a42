import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDaemon, type SpawnedDaemon } from '../../daemon/testing/spawn-daemon.ts';
import { overbench } from '../cli/testing/cli.ts';
import { scenarioSchema } from '../scenario/schema.ts';
import { startMonitoringLoad } from './monitoring-load.ts';

const FIXTURE = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/monitoring-under-load.ts');

describe('httpLoad: autocannon on the monitoring endpoints while the WebSocket load runs', () => {
  let daemon: SpawnedDaemon;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-http-load-'));
    daemon = await spawnDaemon({ METRICS_BACKEND: 'fast' });
  }, 60_000);
  afterAll(async () => {
    await daemon?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('the scenario field: defaults to /health, /metrics.json and /metrics on 2 connections; a bad path is refused', () => {
    const base = { name: 'x', clients: 1, load: { model: 'closed' }, mix: [{ weight: 1, tool: 'status' }], budgets: {} };
    expect(scenarioSchema().parse({ ...base, httpLoad: {} }).httpLoad).toEqual({ paths: ['/health', '/metrics.json', '/metrics'], connections: 2 });
    const bad = scenarioSchema().safeParse({ ...base, httpLoad: { paths: ['metrics'] } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['httpLoad', 'paths', 0]);
  });

  it('reads every path of a reference daemon until stopped, each answered 2xx', async () => {
    const load = startMonitoringLoad(daemon.monitoringUrl, { paths: ['/health', '/metrics.json', '/metrics'], connections: 2, ratePerSec: 200 });
    await new Promise((r) => setTimeout(r, 1000));
    const o = await load.stop();
    // ~200 requests in ~1 s: a count that shows the load ran and was answered, not a timing.
    expect(o.requests).toBeGreaterThan(50);
    expect(o.errors).toBe(0);
    expect(o.durationSec).toBeGreaterThan(0.5);
  }, 30_000);

  it('end to end (smoke): both reference daemons read under load, its lines on stderr, a valid result', async () => {
    const r = await overbench(['realistic', '--scenario', FIXTURE, '--profile', 'smoke', '--seed', '3', '--out', dir], { timeoutMs: 120_000 });
    expect([0, 1, 3], r.stderr).toContain(r.code);
    for (const variant of ['baseline', 'instrumented']) {
      const line = r.stderr.split('\n').find((l) => l.startsWith(`http load monitoring-under-load ${variant}: `)) ?? '';
      expect(line, r.stderr).toMatch(/: (\d+) requests to \/health, \/metrics\.json, \/metrics in [\d.]+ s, 0 errors, p50 /);
      expect(Number(/: (\d+) requests/.exec(line)![1])).toBeGreaterThan(100);
    }
    const result = JSON.parse(await readFile(path.join(dir, 'latest.json'), 'utf8')) as { scenarios: { name: string; rounds: { valid: boolean }[] }[] };
    expect(result.scenarios[0].name).toBe('monitoring-under-load');
    expect(result.scenarios[0].rounds).toHaveLength(4);
    expect(result.scenarios[0].rounds.every((w) => w.valid)).toBe(true);
  }, 150_000);
});
