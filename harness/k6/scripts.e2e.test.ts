import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tsxArgs } from '../../common/tsx.ts';
import { spawnDaemon, type SpawnedDaemon } from '../../daemon/testing/spawn-daemon.ts';
import { decodeHistogram } from '../driver/histogram.ts';
import { readWindows } from '../ingest/read.ts';
import { startFakes, type RunningFakes } from '../targets/fakes-process.ts';
import { worldEnv } from '../targets/reference-daemon.ts';
import { bundleK6Scripts } from './bundle.ts';

const run = promisify(execFile);

/**
 * The bundled k6 scripts, run on a stand-in for k6's runtime (k6 is not installable here:
 * harness/k6/testing/k6-shim/), against the reference daemon in the fake world: the EXAI client,
 * the open and closed loops, churn with session resume and the round tags all do what
 * `overbench ingest k6` expects of a k6 stream. Short: one VU, two 1 s rounds.
 */
describe('the bundled k6 scripts against the reference daemon', () => {
  let dir: string;
  let bundles: string[];
  let fakes: RunningFakes;
  let daemon: SpawnedDaemon;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-k6-run-'));
    bundles = await bundleK6Scripts(dir);
    fakes = await startFakes({ redis: { mode: 'fake' }, provider: { latency: 'constant:v=2ms' } }, 1);
    daemon = await spawnDaemon({ ...worldEnv(fakes.endpoints), METRICS_BACKEND: 'fast', EXAI_RATE_LIMIT: 'off' });
  }, 90_000);
  afterAll(async () => {
    await daemon?.stop();
    await fakes?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function runScript(name: string, env: Record<string, string>): Promise<string> {
    const out = path.join(dir, `${name}.ndjson`);
    const bundle = bundles.find((b) => path.basename(b) === `${name}.js`)!;
    await run(process.execPath, tsxArgs('harness/k6/fixtures/run-k6-bundle.ts', [bundle]), {
      cwd: REPO_ROOT,
      env: { ...process.env, K6_SHIM_OUT: out, K6_SHIM_SCENARIO: name, EXAI_URL: daemon.url, CLIENTS: '1', WARMUP_SEC: '0.5', ROUNDS: '2', MEASURE_SEC: '1', ...env },
      timeout: 60_000,
    });
    return out;
  }

  it('hot-path-open (open model): two rounds of status/echo calls, each timed, none failed', async () => {
    const windows = await readWindows('k6', [await runScript('hot-path-open', { RATE: '100' })]);
    expect(windows).toHaveLength(2);
    for (const w of windows) {
      // 100 arrivals/s for ~1 s: a count, not a timing: the loop sent and every call came back.
      expect(w.requests).toBeGreaterThan(50);
      expect(w.requests).toBeLessThan(150);
      expect(w.errors).toBe(0);
      expect(decodeHistogram(w.histogram!).totalCount).toBe(w.requests);
    }
  }, 90_000);

  it('reconnect-churn (closed model, chat through the provider fake, resume every 5 calls): no error', async () => {
    const windows = await readWindows('k6', [await runScript('reconnect-churn', {})]);
    expect(windows).toHaveLength(2);
    for (const w of windows) {
      expect(w.requests).toBeGreaterThan(10);
      expect(w.errors).toBe(0);
      expect(decodeHistogram(w.histogram!).totalCount).toBe(w.requests);
    }
  }, 90_000);
});
