import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { builtinScenarioNames, loadScenarioFile, loadScenarios } from './load.ts';
import { applyProfile, plannedSeconds } from './profile.ts';

const MINIMAL = {
  name: 'tiny',
  clients: 2,
  load: { model: 'closed' },
  mix: [{ weight: 1, tool: 'status' }],
  budgets: { p50: 5 },
};

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-scenario-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function problemsOf(name: string, content: string): Promise<string[]> {
  await writeFile(file(name), content);
  return (await loadScenarioFile(file(name))).problems;
}

describe('built-in scenarios', () => {
  it('are the five of issue 4 and every one validates with every profile', async () => {
    const names = await builtinScenarioNames();
    expect(names).toEqual(['chat-realistic', 'cluster', 'hot-path-open', 'many-idle', 'provider-slow', 'reconnect-churn']);
    const loaded = await loadScenarios([]);
    expect(loaded.map((l) => l.scenario.name)).toEqual(names);
    for (const { scenario } of loaded) {
      expect(Object.keys(scenario.profiles ?? {}).sort()).toEqual(['ci', 'full', 'smoke']);
      expect(scenario.env.EXAI_RATE_LIMIT).toBe('off');
    }
  });

  it('fit the time budgets: smoke of chat-realistic << 60 s, ci of all <= 3 min, default of all <= 10 min (windows only)', async () => {
    const loaded = await loadScenarios([]);
    const total = (p?: 'smoke' | 'ci') => loaded.reduce((s, l) => s + plannedSeconds(applyProfile(l.scenario, p)), 0);
    const chat = loaded.find((l) => l.scenario.name === 'chat-realistic')!.scenario;
    expect(plannedSeconds(applyProfile(chat, 'smoke'))).toBeLessThanOrEqual(25);
    // Start-up, settling and in-flight drains come on top (bench:gate <= 6 min is measured: README, "Goals").
    expect(total('ci')).toBeLessThanOrEqual(150);
    expect(total()).toBeLessThanOrEqual(450);
  });
});

describe('scenario files', () => {
  it('loads JSON, TS (defineScenario) and MJS default exports', async () => {
    await writeFile(file('a.json'), JSON.stringify({ ...MINIMAL, name: 'from-json' }));
    const define = path.resolve('index.ts');
    await writeFile(file('b.ts'), `import { defineScenario } from ${JSON.stringify(define)};\nexport default defineScenario(${JSON.stringify({ ...MINIMAL, name: 'from-ts' })});\n`);
    await writeFile(file('c.mjs'), `export default ${JSON.stringify({ ...MINIMAL, name: 'from-mjs' })};\n`);
    const loaded = await loadScenarios([file('a.json'), file('b.ts'), file('c.mjs')]);
    expect(loaded.map((l) => l.scenario.name)).toEqual(['from-json', 'from-ts', 'from-mjs']);
    // Defaults are filled in at the boundary.
    expect(loaded[0].scenario).toMatchObject({ protocol: 'exai', rounds: 10, warmupSec: 3, measureSec: 10, idleClients: 0 });
    expect(loaded[0].scenario.variants.instrumented.env).toEqual({ METRICS_BACKEND: 'fast' });
  });

  it('an unknown key names the file and the field path', async () => {
    const problems = await problemsOf('unknown.json', JSON.stringify({ ...MINIMAL, load: { model: 'closed', thinktime: 'constant:v=1ms' } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/unknown\.json: load\.thinktime: unknown field$/);
  });

  it('a bad type names the field path: `x.json: load.ratePerSec: expected number`', async () => {
    const problems = await problemsOf('x.json', JSON.stringify({ ...MINIMAL, load: { model: 'open', ratePerSec: 'fast' } }));
    expect(problems[0]).toMatch(/x\.json: load\.ratePerSec: expected number, received string/);
  });

  it('a bad latency spec is reported with the parser message and the path', async () => {
    const problems = await problemsOf(
      'lat.json',
      JSON.stringify({ ...MINIMAL, world: { provider: { latency: 'lognormal:median=120ms' } } }),
    );
    expect(problems[0]).toMatch(/lat\.json: world\.provider\.latency: latency spec "lognormal:median=120ms": missing key "p99"/);
  });

  it("the provider's rate limits: positive integers per minute, each bad value named with its field", async () => {
    const world = (limits: unknown) => JSON.stringify({ ...MINIMAL, world: { provider: { limits } } });
    await writeFile(file('limits.json'), world({ rpm: 60, tpm: 20_000 }));
    const [{ scenario }] = await loadScenarios([file('limits.json')]);
    expect(scenario.world.provider?.limits).toEqual({ rpm: 60, tpm: 20_000 });
    expect(await problemsOf('rpm0.json', world({ rpm: 0 }))).toEqual([`${file('rpm0.json')}: world.provider.limits.rpm: expected a number > 0, got 0`]);
    expect(await problemsOf('tpm.json', world({ tpm: 1.5 }))).toEqual([`${file('tpm.json')}: world.provider.limits.tpm: expected an integer, got 1.5`]);
    expect(await problemsOf('rps.json', world({ rps: 1 }))).toEqual([`${file('rps.json')}: world.provider.limits.rps: unknown field`]);
    expect(await problemsOf('none.json', world({}))).toEqual([`${file('none.json')}: world.provider.limits: give rpm, tpm or both (requests and tokens per minute)`]);
  });

  it('collects every problem of every file together in one UsageError', async () => {
    await writeFile(
      file('many.json'),
      JSON.stringify({ ...MINIMAL, clients: 0, mix: [{ weight: 1, tool: '' }], extra: 1, budgets: { p51: 3 } }),
    );
    const err = await loadScenarios([file('many.json'), 'no-such-builtin', file('missing.json')]).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    const msg = (err as Error).message;
    expect(msg).toContain('unknown scenario "no-such-builtin"');
    expect(msg).toMatch(/missing\.json: cannot load: file not found/);
    expect(msg).toMatch(/many\.json: clients: /);
    expect(msg).toMatch(/many\.json: mix\[0\]\.tool: /);
    expect(msg).toMatch(/many\.json: extra: unknown field/);
    expect(msg).toMatch(/many\.json: budgets\.p51: unknown field/);
    expect(msg).not.toContain('\n');
  });

  it('rejects a file that does not parse, has no default export, or an unsupported extension', async () => {
    expect((await problemsOf('broken.json', '{ "name": '))[0]).toMatch(/broken\.json: cannot load: /);
    expect((await problemsOf('nodefault.mjs', 'export const x = 1;\n'))[0]).toMatch(/nodefault\.mjs: cannot load: no default export/);
    expect((await problemsOf('s.yaml', 'name: x'))[0]).toMatch(/s\.yaml: unsupported file type/);
  });

  it('a pid needs a url target; a target must be spawn: or url:', async () => {
    const problems = await problemsOf(
      'variants.json',
      JSON.stringify({ ...MINIMAL, variants: { baseline: { target: 'ftp://x' }, instrumented: { target: 'spawn:node s.js', pid: 12 } } }),
    );
    expect(problems.join('\n')).toMatch(/variants\.baseline\.target: expected "spawn:CMD ARGS"/);
    expect(problems.join('\n')).toMatch(/variants\.instrumented\.pid: pid is only meaningful/);
  });
});

describe('profiles', () => {
  it('override the top-level values; budgets merge key by key; a missing profile keeps the defaults', async () => {
    const [{ scenario }] = await loadScenarios(['chat-realistic']);
    const smoke = applyProfile(scenario, 'smoke');
    expect(smoke).toMatchObject({ profile: 'smoke', rounds: 3, warmupSec: 0.25, measureSec: 1.5, clients: 16 });
    expect(smoke.budgets).toEqual(scenario.budgets);
    expect(applyProfile(scenario)).toMatchObject({ profile: 'default', rounds: scenario.rounds });
    const noProfiles = { ...scenario, profiles: undefined };
    expect(applyProfile(noProfiles, 'ci')).toMatchObject({ profile: 'ci', rounds: scenario.rounds });
    const relaxed = applyProfile({ ...scenario, profiles: { ci: { budgets: { p99: 50 } } } }, 'ci');
    expect(relaxed.budgets).toEqual({ ...scenario.budgets, p99: 50 });
  });
});
