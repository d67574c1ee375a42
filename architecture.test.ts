/**
 * The layers of ARCHITECTURE.md, enforced: which folder may import which, and no import cycle.
 * Reads every TypeScript file's relative imports (static, dynamic and `export ... from`), type
 * imports included, since a type import ties two modules' structure as firmly as a value import.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = dirname(fileURLToPath(import.meta.url));
const SKIP = new Set(['node_modules', 'reports', '.git', 'test-artifacts', '.tmp']);

function sources(dir = ROOT): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|mts|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(ROOT, path));
  }
  return out;
}

const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** file -> the repo files it imports (relative specifiers only; packages are not layers). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources()) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) => normalize(join(dirname(file), m[1])));
    graph.set(file, targets);
  }
  return graph;
}

/**
 * Test code: tests (`*.test.ts`, `*.e2e.test.ts` when they start processes), their helpers (a
 * `testing/` folder beside the code they serve) and the programs or data they run (`fixtures/`).
 */
const isTestCode = (f: string): boolean => /\.test\.ts$|(^|\/)(testing|fixtures)\//.test(f);
const layerOf = (f: string): string => (f.includes('/') ? f.slice(0, f.indexOf('/')) : f);

/**
 * What each top-level part's code may import besides itself. harness may use daemon/ (to run it,
 * in process for bench:tight); it starts the world by running fakes/main.ts, importing nothing of
 * fakes/. scripts/ are maintenance tools.
 */
const MAY_IMPORT: Record<string, (target: string) => boolean> = {
  common: () => false,
  daemon: (t) => layerOf(t) === 'common',
  fakes: (t) => layerOf(t) === 'common',
  harness: (t) => ['common', 'daemon'].includes(layerOf(t)),
  scenarios: (t) => t === 'index.ts',
  'index.ts': (t) => layerOf(t) === 'harness',
  bin: (t) => ['common', 'harness'].includes(layerOf(t)),
  scripts: () => true,
};

/** Test code may also set up the world below it: daemon tests use fakes; harness tests anything. */
const TESTS_MAY_IMPORT: Record<string, (target: string) => boolean> = {
  daemon: (t) => ['common', 'fakes'].includes(layerOf(t)),
  harness: (t) => layerOf(t) !== 'scripts',
};

function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (!graph.has(t)) continue;
      if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t]);
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

describe('architecture', () => {
  const graph = importGraph();

  it('reads the whole tree', () => {
    for (const part of ['common', 'daemon', 'fakes', 'harness', 'scenarios']) {
      expect([...graph.keys()].some((f) => layerOf(f) === part), part).toBe(true);
    }
  });

  it('imports point down the layers: common <- daemon, fakes <- harness <- index.ts <- scenarios', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const layer = layerOf(file);
      const test = isTestCode(file);
      for (const t of targets) {
        if (layerOf(t) === layer) continue;
        const allowed = MAY_IMPORT[layer]?.(t) || (test && TESTS_MAY_IMPORT[layer]?.(t));
        if (!allowed) wrong.push(`${file} -> ${t}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(findCycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('would see a violation and a cycle (the checks can fail)', () => {
    const bad = new Map([
      ['common/a.ts', ['harness/b.ts']],
      ['harness/b.ts', ['common/a.ts']],
    ]);
    expect(findCycles(bad)).toEqual([['common/a.ts', 'harness/b.ts', 'common/a.ts']]);
    expect(MAY_IMPORT.common('harness/b.ts')).toBe(false);
    expect(MAY_IMPORT.fakes('daemon/main.ts')).toBe(false);
    expect(MAY_IMPORT.harness('fakes/world.ts')).toBe(false);
  });
});
