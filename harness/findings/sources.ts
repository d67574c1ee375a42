import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../common/exit-codes.ts';
import { Calibration } from '../result/calibration.ts';
import { Result, type ScenarioResult } from '../result/schema.ts';
import { parseResult } from '../report/load-result.ts';

/** A file the memo read, named as the memo cites it (relative to the results folder). */
export interface Source<T> {
  file: string;
  data: T;
}

/** One scenario of one result file: where its figures come from. */
export interface ScenarioSource {
  file: string;
  /** Index in the file's `scenarios`, so a figure can be cited as `file#scenarios[i]...`. */
  index: number;
  result: Result;
  scenario: ScenarioResult;
}

export interface Findings {
  dir: string;
  /** The newest result with tight scenarios. */
  tight: ScenarioSource[];
  /** Per realistic scenario and instrumented backend (or target), the newest measurement. */
  realistic: ScenarioSource[];
  calibration: Source<Calibration> | null;
  /** Every file read, newest first. */
  files: string[];
}

/** What a realistic scenario's instrumented side is called: its backend, else its target. */
export function instrumentedLabel(s: ScenarioResult): string {
  return s.variants.instrumented.backend ?? s.variants.instrumented.target;
}

async function filesNamed(dir: string, name: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--results ${dir}: ${code === 'ENOENT' ? 'no such folder' : `cannot be read (${code})`}`);
  }
  const found: string[] = [];
  for (const e of entries) {
    const file = path.join(dir, e, name);
    if (await stat(file).then((s) => s.isFile(), () => false)) found.push(file);
  }
  return found;
}

/**
 * The newest results of each kind in a reports folder (one sub-folder per run, as every command
 * writes them): tight from the newest result that has tight scenarios; realistic per scenario and
 * instrumented side from the newest result that measured it (a gate and a later realistic run
 * both count); the newest calibration. A file that is not a valid result is skipped with a warning
 * (an older schema), never half read.
 */
export async function collectFindings(dir: string, warn: (line: string) => void = () => {}): Promise<Findings> {
  const results: Source<Result>[] = [];
  for (const file of await filesNamed(dir, 'result.json')) {
    try {
      results.push({ file: path.relative(dir, file), data: parseResult(await readFile(file, 'utf8'), file) });
    } catch (err) {
      warn(`skipped ${(err as Error).message}`);
    }
  }
  results.sort((a, b) => b.data.finishedAt.localeCompare(a.data.finishedAt));
  const calibrations: Source<Calibration>[] = [];
  for (const file of await filesNamed(dir, 'calibration.json')) {
    const parsed = Calibration.safeParse(JSON.parse(await readFile(file, 'utf8').catch(() => 'null')));
    if (parsed.success) calibrations.push({ file: path.relative(dir, file), data: parsed.data });
    else warn(`skipped ${file}: not a calibration of this overbench`);
  }
  calibrations.sort((a, b) => (b.data.finishedAt ?? '').localeCompare(a.data.finishedAt ?? ''));

  const sources = (r: Source<Result>) => r.data.scenarios.map((scenario, index) => ({ file: r.file, index, result: r.data, scenario }));
  const newestTight = results.find((r) => r.data.scenarios.some((s) => s.kind === 'tight'));
  const tight = newestTight ? sources(newestTight).filter((s) => s.scenario.kind === 'tight') : [];
  const seen = new Set<string>();
  const realistic: ScenarioSource[] = [];
  for (const r of results) {
    for (const s of sources(r)) {
      if (s.scenario.kind !== 'realistic' || s.scenario.error) continue;
      const key = `${s.scenario.name}\u0000${instrumentedLabel(s.scenario)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      realistic.push(s);
    }
  }
  const used = new Set([...tight, ...realistic].map((s) => s.file));
  const files = results.filter((r) => used.has(r.file)).map((r) => r.file);
  if (calibrations[0]) files.push(calibrations[0].file);
  if (tight.length === 0 && realistic.length === 0) {
    throw new UsageError(`--results ${dir}: no tight or realistic result found (run overbench gate, tight or realistic first)`);
  }
  return { dir, tight, realistic, calibration: calibrations[0] ?? null, files };
}
