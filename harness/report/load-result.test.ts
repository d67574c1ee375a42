import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { loadResult } from './load-result.ts';
import { sampleResult } from './testing/result-fixture.ts';

describe('loadResult', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-load-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  const file = async (name: string, text: string) => {
    const f = path.join(dir, name);
    await writeFile(f, text);
    return f;
  };

  it('reads a valid result back unchanged', async () => {
    const r = sampleResult();
    expect(await loadResult(await file('ok.json', JSON.stringify(r)))).toEqual(r);
  });

  it.each([
    ['missing', null, /missing\.json: not found$/],
    ['corrupt', '{"schemaVersion": 1, ', /corrupt\.json: invalid JSON at line 1, column 22: Expected double-quoted property name/],
    ['array', '[]', /array\.json: expected a JSON object, got an array/],
    ['future', '{"schemaVersion": 2}', /future\.json: schemaVersion 2 is not supported \(this overbench reads 1\)/],
    ['noversion', '{"runId": "x"}', /noversion\.json: schemaVersion missing is not supported/],
  ])('%s file -> one UsageError line naming it', async (name, text, message) => {
    const f = text === null ? path.join(dir, `${name}.json`) : await file(`${name}.json`, text);
    const err = await loadResult(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('names the first field the schema rejects and counts the rest', async () => {
    const r = JSON.parse(JSON.stringify(sampleResult()));
    r.scenarios[0].rounds[3].latencyUs.p50 = 'fast';
    r.verdict = 'maybe';
    const err = (await loadResult(await file('field.json', JSON.stringify(r))).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/field (verdict|scenarios\.0\.rounds\.3\.latencyUs\.p50): .*\(and 1 more problem\)$/);
  });
});
