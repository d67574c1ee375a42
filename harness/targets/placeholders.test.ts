import { describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { scenarioSchema, worldWritten } from '../scenario/schema.ts';
import { expandEnv, expandPlaceholders, placeholderProblems, placeholdersIn, usesWorld } from './placeholders.ts';
import { allocateVariantPorts } from './ports.ts';
import { overbenchWorldEnv, variantNeedsWorld } from './world-env.ts';

const WORLD = { provider: 'http://127.0.0.1:4001', supabase: 'http://127.0.0.1:4002', redis: 'redis://127.0.0.1:4003', redisKind: 'fake' as const };
const VALUES = { port: 9000, ports: { health: 9001, metrics: 9002 }, world: WORLD, dir: '/srv/my daemon' };

describe('placeholders', () => {
  it('expand the port, named ports, the world and the scenario folder; leave other braces alone', () => {
    expect(expandPlaceholders('python3 "{dir}/d.py" --port {port} --health {port:health} --metrics={port:metrics}', VALUES, 'x')).toBe(
      'python3 "/srv/my daemon/d.py" --port 9000 --health 9001 --metrics=9002',
    );
    expect(expandPlaceholders("{provider}/api/paas/v4 {supabase} {redis} ${PYTHON:-python3} '{\"a\":1}' {} {other}", VALUES, 'x')).toBe(
      "http://127.0.0.1:4001/api/paas/v4 http://127.0.0.1:4002 redis://127.0.0.1:4003 ${PYTHON:-python3} '{\"a\":1}' {} {other}",
    );
    expect(expandEnv({ GLM_API_URL: '{provider}/api/paas/v4', HEALTH: '{port:health}', PLAIN: 'x' }, VALUES, 'baseline')).toEqual({
      GLM_API_URL: 'http://127.0.0.1:4001/api/paas/v4',
      HEALTH: '9001',
      PLAIN: 'x',
    });
  });

  it('a value that is not there is a UsageError naming where', () => {
    expect(() => expandPlaceholders('{port:admin}', VALUES, 'baseline target')).toThrow(UsageError);
    expect(() => expandPlaceholders('{port:admin}', VALUES, 'baseline target')).toThrow(/^baseline target: \{port:admin\}: no such port \(the scenario's ports: health, metrics\)/);
    expect(() => expandEnv({ U: '{provider}' }, { ...VALUES, world: null }, 'instrumented')).toThrow(/^instrumented env\.U: \{provider\}: no world is running/);
    expect(() => expandPlaceholders('ws {port}', { ports: {}, world: null }, 'url target')).toThrow(/has no port the harness chose/);
  });

  it('checked before anything starts: undeclared or malformed port names', () => {
    expect(placeholdersIn('a {port} {port:health} {redis} {x}')).toEqual(['port', 'port:health', 'redis']);
    expect(placeholderProblems('--h {port:health} --m {port:metrics} {port:b@d}', ['health'])).toEqual([
      '{port:metrics}: "metrics" is not in the scenario\'s ports (health)',
      '{port:b@d}: expected a port name of letters, digits, "_" or "-"',
    ]);
    expect(usesWorld('x {redis}')).toBe(true);
    expect(usesWorld('x {port:redis}')).toBe(false);
  });

  it('the scenario schema reports placeholder problems with the field, and knows whether a world was written', () => {
    const base = { name: 's', clients: 1, load: { model: 'closed' }, mix: [{ weight: 1, tool: 't' }], budgets: {} };
    const bad = scenarioSchema().safeParse({
      ...base,
      ports: ['health'],
      variants: { baseline: { target: 'spawn:d --p {port:helth}' }, instrumented: { target: 'spawn:d', env: { M: '{port:m}' } } },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'variants.baseline.target: {port:helth}: "helth" is not in the scenario\'s ports (health)',
      'variants.instrumented.env.M: {port:m}: "m" is not in the scenario\'s ports (health)',
    ]);
    expect(worldWritten(scenarioSchema().parse(base))).toBe(false);
    expect(worldWritten(scenarioSchema().parse({ ...base, world: {} }))).toBe(true);
  });
});

describe('the world for a spawned target', () => {
  it('env vars name every endpoint', () => {
    expect(overbenchWorldEnv(WORLD)).toEqual({
      OVERBENCH_PROVIDER_URL: 'http://127.0.0.1:4001',
      OVERBENCH_SUPABASE_URL: 'http://127.0.0.1:4002',
      OVERBENCH_SUPABASE_KEY: 'overbench-fake-key',
      OVERBENCH_REDIS_URL: 'redis://127.0.0.1:4003',
    });
  });

  it('starts for the reference daemon, for a spawned target when the scenario writes a world or a placeholder asks, never for url:', () => {
    const spawn = { kind: 'spawn', command: 'd --port {port}' };
    expect(variantNeedsWorld({ spec: { kind: 'reference' }, env: {} }, false)).toBe(true);
    expect(variantNeedsWorld({ spec: spawn, env: {} }, false)).toBe(false);
    expect(variantNeedsWorld({ spec: spawn, env: {} }, true)).toBe(true);
    expect(variantNeedsWorld({ spec: spawn, env: { U: '{supabase}/rest' } }, false)).toBe(true);
    expect(variantNeedsWorld({ spec: { kind: 'spawn', command: 'd --redis {redis}' }, env: {} }, false)).toBe(true);
    expect(variantNeedsWorld({ spec: { kind: 'url' }, env: { U: '{provider}' } }, true)).toBe(false);
  });
});

describe('named ports', () => {
  it('are free and distinct across variants, WebSocket ports included', async () => {
    const names = ['health', 'metrics', 'admin', 'debug', 'grpc', 'pprof', 'a', 'b', 'c', 'd'];
    const ports = await allocateVariantPorts(['baseline', 'instrumented'], names);
    const all = [ports.baseline.ws, ports.instrumented.ws, ...Object.values(ports.baseline.named), ...Object.values(ports.instrumented.named)];
    expect(all).toHaveLength(2 * (names.length + 1));
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(ports.instrumented.named)).toEqual(names);
    for (const p of all) expect(p).toBeGreaterThan(0);
  });
});
