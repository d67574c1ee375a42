/**
 * Secrets never leave the process: a real short run whose variants carry a token, API keys and a
 * URL with a password, then every file it wrote and everything it printed is searched for them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Result } from '../result/schema.ts';
import { overbench } from './testing/cli.ts';

const TOKEN = 'tok-0b5e55ed-ws-token';
const API_KEY = 'sk-live-9f8e7d6c5b4a';
const PASSWORD = 'hunter2-url-password';
const SECRETS = [TOKEN, API_KEY, PASSWORD];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const p = path.join(root, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('a run whose variants carry secrets', () => {
  it('writes none of them to any file, stdout or stderr, and records the names with [redacted] values', async () => {
    const scenario = path.join(dir, 'secret-env.json');
    const env = {
      METRICS_BACKEND: 'fast',
      EXAI_DASHBOARD_PORT: 'off',
      // The default per-session limit would refuse (and close) a client this busy: not this test's subject.
      EXAI_RATE_LIMIT: 'off',
      // The daemon requires it from clients and on its monitoring port: the run must still work.
      EXAI_WS_TOKEN: TOKEN,
      MY_SERVICE_API_KEY: API_KEY,
      UPSTREAM_URL: `https://svc:${PASSWORD}@upstream.invalid/v1`,
    };
    await writeFile(scenario, JSON.stringify({
      name: 'secret-env',
      clients: 2,
      load: { model: 'closed', thinkTime: 'constant:v=1ms' },
      mix: [{ weight: 1, tool: 'status' }],
      variants: { baseline: { env: { ...env, METRICS_BACKEND: 'none' } }, instrumented: { env } },
      rounds: 2,
      warmupSec: 0.2,
      measureSec: 0.5,
      budgets: { p50: 50 },
    }));
    const out = path.join(dir, 'out');
    const ran = await overbench(['realistic', '--scenario', scenario, '--out', out, '--seed', '3'], { timeoutMs: 150_000 });
    expect([0, 1, 3], ran.stderr).toContain(ran.code);

    const files = filesUnder(out);
    const runDir = path.dirname(files.find((f) => f.endsWith('result.json'))!);
    expect(files.map((f) => path.relative(out, f).replace(path.relative(out, runDir), '<run>')).sort()).toEqual([
      '<run>/junit.xml', '<run>/report.html', '<run>/result.json', '<run>/summary.md', 'history.jsonl', 'latest.html', 'latest.json',
    ]);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const s of SECRETS) expect(text.includes(s), `${s} in ${f}`).toBe(false);
    }
    for (const s of SECRETS) {
      expect(ran.stdout.includes(s), `${s} in stdout`).toBe(false);
      expect(ran.stderr.includes(s), `${s} in stderr`).toBe(false);
    }

    const result = Result.parse(JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')));
    const s = result.scenarios[0];
    // It really ran behind the token: requests were answered and exactness read /metrics.json with it.
    expect(s.error).toBeUndefined();
    expect(s.exactness?.ok).toBe(true);
    expect(s.rounds.every((r) => r.requests > 0)).toBe(true);
    expect(s.variants.instrumented.env).toMatchObject({
      METRICS_BACKEND: 'fast',
      EXAI_WS_TOKEN: '[redacted]',
      MY_SERVICE_API_KEY: '[redacted]',
      UPSTREAM_URL: 'https://[redacted]@upstream.invalid/v1',
    });
  }, 180_000);
});
