import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overbench } from '../cli/testing/cli.ts';
import { UsageError } from '../../common/exit-codes.ts';
import { freePort } from '../../common/free-port.ts';
import { COMPOSE_ANON_KEY, composeEndpoints, startComposeWorld, worldFlag, worldMode } from './compose-world.ts';
import { startFakes, type RunningFakes } from './fakes-process.ts';

/**
 * `--world compose` without Docker: the services are the fake world started here, reached by URL
 * as the compose services would be (OVERBENCH_COMPOSE_*). The containers themselves are not
 * exercised on machines without an engine (README, "Going further").
 */
describe('the compose world, by URL', () => {
  let fakes: RunningFakes;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    fakes = await startFakes({ redis: { mode: 'fake' } }, 1);
    env = { OVERBENCH_COMPOSE_REDIS_URL: fakes.endpoints.redis, OVERBENCH_COMPOSE_SUPABASE_URL: fakes.endpoints.supabase, OVERBENCH_COMPOSE_PROVIDER_URL: fakes.endpoints.provider };
  }, 60_000);
  afterAll(async () => {
    await fakes?.stop();
  });

  it('checks every service, sets the scenario provider latency and error rate, says what does not apply', async () => {
    const warnings: string[] = [];
    const world = await startComposeWorld(
      { provider: { latency: 'constant:v=7ms', errorRate: 0.25 }, supabase: { latency: 'normal:mean=8ms,sd=2ms' } },
      { env, warn: (l) => warnings.push(l) },
    );
    expect(world.endpoints).toMatchObject({ redis: fakes.endpoints.redis, supabase: fakes.endpoints.supabase, provider: fakes.endpoints.provider, supabaseKey: COMPOSE_ANON_KEY });
    expect(world.world).toEqual({ redis: 'compose', supabase: 'compose-postgrest', provider: 'compose-fake' });
    const behaviour = (await (await fetch(`${fakes.endpoints.provider}/__control`)).json()) as { latency: unknown; faults: { rate500: number } };
    expect(behaviour.faults.rate500).toBe(0.25);
    expect(JSON.stringify(behaviour.latency)).toContain('7');
    expect(warnings).toEqual(["world compose: Redis and PostgREST are real; the scenario's supabase.latency do not apply"]);
    await world.stop();
  });

  it('a service that does not answer is one UsageError naming it and how to start the services', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const err = await startComposeWorld({}, { env: { ...env, OVERBENCH_COMPOSE_PROVIDER_URL: dead }, timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(new RegExp(`^world compose: provider at ${dead}: ECONNREFUSED \\(start them with: docker compose -f docker-compose.bench.yml up -d --wait\\)$`));
  });

  it('is chosen by --world, or OVERBENCH_WORLD without it; defaults are the published ports', () => {
    expect(worldMode({})).toBe('fakes');
    expect(worldMode({ OVERBENCH_WORLD: 'compose' })).toBe('compose');
    expect(() => worldMode({ OVERBENCH_WORLD: 'docker' })).toThrow(/OVERBENCH_WORLD "docker": expected fakes or compose/);
    expect(worldFlag('compose')).toBe('compose');
    expect(() => worldFlag('k8s')).toThrow(/--world "k8s"/);
    expect(composeEndpoints({})).toMatchObject({ redis: 'redis://127.0.0.1:6379', supabase: 'http://127.0.0.1:54321', provider: 'http://127.0.0.1:8090' });
  });

  it('realistic --world compose: the daemons use the services by URL, the result says so', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'overbench-compose-run-'));
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const fixture = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/compose-chat.ts');
      const r = await overbench(['realistic', '--world', 'compose', '--scenario', fixture, '--profile', 'smoke', '--seed', '5', '--out', out], { timeoutMs: 120_000 });
      expect([0, 1, 3], r.stderr).toContain(r.code);
      const result = JSON.parse(await readFile(path.join(out, 'latest.json'), 'utf8')) as { env: { world: unknown }; scenarios: { error?: string; rounds: { valid: boolean; requests: number; errors: number }[] }[] };
      expect(result.env.world).toEqual({ redis: 'compose', supabase: 'compose-postgrest', provider: 'compose-fake' });
      const s = result.scenarios[0];
      expect(s.error).toBeUndefined();
      expect(s.rounds).toHaveLength(4);
      for (const w of s.rounds) expect([w.valid, w.errors, w.requests > 0]).toEqual([true, 0, true]);
    } finally {
      process.env = saved;
      await rm(out, { recursive: true, force: true });
    }
  }, 150_000);
});
