import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { processesMatching } from '../../common/testing/procs.ts';
import { describeWithDeps, findPythonWithWebsockets } from '../../common/testing/system-deps.ts';
import { REPO_ROOT } from '../../common/tsx.ts';
import { overbench } from '../cli/testing/cli.ts';
import { Result } from '../result/schema.ts';

/**
 * The README's "Drive your own daemon" walk-through, run as a user runs it: the Python daemon in
 * the world, a named health port per variant, an error rule for its in-band tool failures, its
 * id-less unknown-tool errors, and exactness from its Prometheus counter. Skipped (and named in
 * the closing line) where no Python has `websockets`; CI installs python3-websockets. It lives here,
 * beside the targets it exercises, because examples/ is a user's folder: plain files to copy.
 */
const SCENARIO = path.join(REPO_ROOT, 'examples/python-daemon/scenario.json');
const DAEMON = path.join(REPO_ROOT, 'examples/python-daemon/daemon.py');
let out: string;
const savedPython = process.env.PYTHON;

beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'overbench-python-daemon-'));
});
afterAll(async () => {
  if (savedPython === undefined) delete process.env.PYTHON;
  else process.env.PYTHON = savedPython;
  await rm(out, { recursive: true, force: true });
});

describeWithDeps(['python-websockets'], 'examples/python-daemon', () => {
  it('runs in a smoke profile: world recorded, in-band and id-less errors counted, Prometheus exactness held', { timeout: 180_000 }, async () => {
    // The scenario's command runs ${PYTHON:-python3}: the Python that has websockets.
    process.env.PYTHON = findPythonWithWebsockets();
    const ran = await overbench(['realistic', '--scenario', SCENARIO, '--profile', 'smoke', '--seed', '7', '--out', out, '--json'], { timeoutMs: 170_000 });
    expect(ran.stderr).not.toMatch(/Traceback|internal error/);
    // 2 smoke rounds cannot decide (3); a miscount or a bad scenario would be 1 or 2
    expect(ran.code).toBe(3);
    const result = Result.parse(JSON.parse(ran.stdout));
    expect(result.env.world).toEqual({ redis: 'fake', supabase: 'fake-memory', provider: 'fake', paired: true, sharedRedis: true });
    const [s] = result.scenarios;
    expect(s.error).toBeUndefined();
    // the placeholders are recorded as written: the run is reproducible, not its random ports
    expect(s.variants.instrumented.target).toContain('--health-port {port:health}');
    expect(s.variants.baseline.env?.GLM_API_URL).toBe('{provider}/api/paas/v4');
    // only the instrumented variant counts (EXAI_METRICS=prometheus), and its counts match the driver's frames
    expect(s.exactness?.ok).toBe(true);
    expect(s.exactness?.recorded).toBeGreaterThan(100);
    expect(s.rounds).toHaveLength(4);
    const sum = (kind: string) => s.rounds.reduce((n, r) => n + (r.errorsByKind?.[kind] ?? 0), 0);
    for (const r of s.rounds) {
      expect(r.requests).toBeGreaterThan(20);
      // every 20th chat fails in-band: the error rule makes it an error of its own kind
      expect(r.errorsByKind?.TOOL_FAILED).toBeGreaterThan(0);
      expect(Object.keys(r.errorsByKind ?? {}).every((k) => ['TOOL_FAILED', 'TOOL_NOT_FOUND'].includes(k))).toBe(true);
    }
    // the daemon's id-less unknown-tool errors, each charged to its call (one call in flight: no ambiguity)
    expect(sum('TOOL_NOT_FOUND')).toBeGreaterThan(0);
    expect(processesMatching(DAEMON)).toEqual([]);
  });
});
