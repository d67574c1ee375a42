/**
 * The bad-input corpus (fixtures/bad-input/cases.json): every broken scenario file and command
 * line gets exactly one clear line on stderr, the one the case expects, and exit 2; nothing is
 * written and nothing is left running.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../common/tsx.ts';
import { processesMatching } from '../../common/testing/procs.ts';
import { builtinScenarioNames } from '../scenario/load.ts';
import { overbench, type Ran } from './testing/cli.ts';

interface Case {
  name: string;
  args: string[];
  stderr: string;
}

const CASES = JSON.parse(readFileSync(path.join(REPO_ROOT, 'harness/cli/fixtures/bad-input/cases.json'), 'utf8')) as Case[];
/** Each case starts a CLI (and some a target): a few at a time keeps a 2-core machine responsive. */
const PARALLEL = 3;

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'overbench-bad-input-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

async function runAll(): Promise<Map<string, Ran>> {
  const results = new Map<string, Ran>();
  const queue = [...CASES];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      // --out only for the commands that take it: a case must fail for its own reason.
      const args = c.args[0] === 'realistic' || c.args[0] === 'tight' ? [...c.args, '--out', path.join(out, String(results.size))] : c.args;
      results.set(c.name, await overbench(args, { timeoutMs: 60_000 }));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results;
}

describe('the bad-input corpus', () => {
  it('has the kinds of mistake the issue names', () => {
    const names = CASES.map((c) => c.name).join('\n');
    for (const kind of ['unknown field', 'wrong type', 'negative', 'zero', '--rounds -1', 'malformed JSON', 'missing file', 'TS file that throws', 'dead url target']) {
      expect(names).toContain(kind);
    }
  });

  it('every case: exit 2 and exactly its one expected line on stderr, no file written, no process left', async () => {
    const results = await runAll();
    // {builtins}: the list of built-in scenarios, which grows; the line around it is exact.
    const builtins = (await builtinScenarioNames()).join(', ');
    const wrong: string[] = [];
    for (const c of CASES) {
      const ran = results.get(c.name)!;
      const expected = `${c.stderr.replace('{builtins}', builtins)}\n`;
      if (ran.code !== 2 || ran.stderr !== expected) wrong.push(`${c.name}: exit ${ran.code}, stderr ${JSON.stringify(ran.stderr)}; expected exit 2, ${JSON.stringify(expected)}`);
    }
    expect(wrong).toEqual([]);
    expect(readdirSync(out)).toEqual([]);
    expect(processesMatching('cannot read config')).toEqual([]);
  }, 300_000);
});
