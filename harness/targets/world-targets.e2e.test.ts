import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { liveChildren } from './children.ts';
import { allocateVariantPorts } from './ports.ts';
import { parseTargetSpec, startTarget } from './start.ts';
import type { RunningTarget } from './types.ts';

/**
 * A spawned target of one's own, in the world: the world's endpoints arrive as OVERBENCH_* env vars
 * and placeholders, each variant gets its own named ports, and both variants run side by side
 * although each binds a second ("health") port. The endpoints are data here: nothing calls them.
 */
const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/exai-server.mjs');
const WORLD = { provider: 'http://127.0.0.1:4101', supabase: 'http://127.0.0.1:4102', redis: 'redis://127.0.0.1:4103', redisKind: 'fake' as const };
const started: RunningTarget[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-world-targets-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stop()));
  expect(liveChildren()).toBe(0);
});

const dumped = (name: string) => JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as { argv: string[]; env: Record<string, string> };

describe('spawned targets in the world', () => {
  it('get the endpoints as env vars and placeholders, and distinct named ports each, bound side by side', async () => {
    const ports = await allocateVariantPorts(['baseline', 'instrumented'] as const, ['health']);
    const targets = await Promise.all(
      (['baseline', 'instrumented'] as const).map((label) =>
        startTarget({
          label,
          spec: parseTargetSpec(`spawn:node ${FIXTURE} --port {port} --also-listen {port:health} --dump "{dir}/${label}.json" --dump-env GLM_API_URL,HEALTH_PORT`),
          env: { GLM_API_URL: '{provider}/api/paas/v4', HEALTH_PORT: '{port:health}', OVERBENCH_REDIS_URL: 'redis://mine:6379' },
          protocol: 'exai',
          fakes: WORLD,
          ports: ports[label],
          dir,
          exactness: { json: { url: 'http://127.0.0.1:{port:health}/stats', received: 'in', sent: 'out' } },
        }),
      ),
    );
    started.push(...targets);
    for (const [i, label] of (['baseline', 'instrumented'] as const).entries()) {
      const { argv, env } = dumped(label);
      const health = String(ports[label].named.health);
      expect(targets[i].url).toBe(`ws://127.0.0.1:${ports[label].ws}`);
      expect(argv).toEqual(['--port', String(ports[label].ws), '--also-listen', health, '--dump', path.join(dir, `${label}.json`), '--dump-env', 'GLM_API_URL,HEALTH_PORT']);
      expect(env).toEqual({
        GLM_API_URL: 'http://127.0.0.1:4101/api/paas/v4',
        HEALTH_PORT: health,
        OVERBENCH_PROVIDER_URL: WORLD.provider,
        OVERBENCH_SUPABASE_URL: WORLD.supabase,
        OVERBENCH_SUPABASE_KEY: 'overbench-fake-key',
        // the variant's own env wins over the world's
        OVERBENCH_REDIS_URL: 'redis://mine:6379',
      });
      // the exactness URL's placeholders are this variant's
      expect(targets[i].counters?.where).toBe(`http://127.0.0.1:${health}/stats (in, out)`);
    }
    expect(ports.baseline.named.health).not.toBe(ports.instrumented.named.health);
  });

  it('without a world, no OVERBENCH_* env, and a world placeholder is a UsageError that starts nothing', async () => {
    const t = await startTarget({ label: 'baseline', spec: parseTargetSpec(`spawn:node ${FIXTURE} --port {port} --dump ${dir}/none.json`), env: {}, protocol: 'exai', fakes: null });
    started.push(t);
    expect(Object.keys(dumped('none').env).filter((k) => k.startsWith('OVERBENCH_'))).toEqual([]);
    await expect(
      startTarget({ label: 'instrumented', spec: parseTargetSpec(`spawn:node ${FIXTURE} --port {port}`), env: { U: '{supabase}' }, protocol: 'exai', fakes: null }),
    ).rejects.toThrow(/^instrumented env\.U: \{supabase\}: no world is running for this target$/);
  });
});
