import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../common/tsx.ts';
import { loadScenarios } from '../scenario/load.ts';
import type { K6ScenarioData } from '../../k6/lib/scenario-data.ts';
import { bundleK6Scripts, K6_DIR, k6ScriptNames } from './bundle.ts';

const run = promisify(execFile);

describe('the k6 scripts', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'overbench-k6-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('exist for every built-in realistic scenario, with its data', async () => {
    const builtins = (await loadScenarios([])).map((l) => l.scenario.name).sort();
    expect(k6ScriptNames()).toEqual(builtins);
  });

  it('carry the same load as the scenario files (clients, load, mix, churn, timing)', async () => {
    for (const { scenario: s } of await loadScenarios([])) {
      const data = ((await import(path.join(K6_DIR, 'scenarios', `${s.name}.data.ts`))) as { default: K6ScenarioData }).default;
      const fromScenario: K6ScenarioData = {
        name: s.name,
        clients: s.clients,
        idleClients: s.idleClients,
        load: s.load,
        mix: s.mix,
        ...(s.churn && { churn: s.churn }),
        requestTimeoutSec: s.requestTimeoutSec,
        warmupSec: s.warmupSec,
        rounds: s.rounds,
        measureSec: s.measureSec,
      };
      expect(data, s.name).toEqual(fromScenario);
    }
  });

  it('type-check against @types/k6 (k6/tsconfig.json)', async () => {
    // Throws with tsc's diagnostics on stdout when a script misuses k6's API.
    await run(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(K6_DIR, 'tsconfig.json')], { cwd: REPO_ROOT });
  }, 120_000);

  it('bundle to one plain-JS module each, importing nothing but k6 modules, exporting what k6 runs', async () => {
    const files = await bundleK6Scripts(out);
    expect(files.map((f) => path.basename(f))).toEqual(k6ScriptNames().map((n) => `${n}.js`));
    for (const file of files) {
      const js = await readFile(file, 'utf8');
      const imports = [...js.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      expect(new Set(imports), file).toEqual(new Set(['k6', 'k6/execution', 'k6/metrics', 'k6/timers', 'k6/websockets']));
      // No TypeScript left: no type annotations or `import type` survive a bundle k6 can run.
      expect(js).not.toMatch(/import type|: K6ScenarioData|\bas const\b/);
      expect(js).toMatch(/export \{[^}]*\bas default\b/s);
      for (const name of ['options', 'setup', 'busy', 'idle']) expect(js, `${file} exports ${name}`).toMatch(new RegExp(`export \\{[^}]*\\b${name}\\b`, 's'));
    }
  }, 60_000);
});
