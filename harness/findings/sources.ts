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
  /**
   * Per calibrated scenario, the newest calibration of it (several calibrate runs may each cover
   * some scenarios), as the file and the scenario's index in it.
   */
  calibrations: { source: Source<Calibration>; index: number }[];
  /** Every file read, newest first. */
  files: string[];
}

/**
 * What a realistic scenario's instrumented side is called: its backend, else its target. Where the
 * baseline has metrics too (the cluster scenario: Redis aggregation against Supabase roll-ups),
 * the env that tells the variants apart is named as well.
 */
export function instrumentedLabel(s: ScenarioResult): string {
  const { baseline, instrumented } = s.variants;
  const label = instrumented.backend ?? instrumented.target;
  if (baseline.backend === undefined || baseline.backend === 'none') return label;
  const differs = Object.keys({ ...baseline.env, ...instrumented.env })
    .filter((k) => k !== 'METRICS_BACKEND' && baseline.env?.[k] !== instrumented.env?.[k])
    .map((k) => `${k}=${instrumented.env?.[k] ?? '(unset)'} vs ${baseline.env?.[k] ?? '(unset)'}`);
  return `${label} (${differs.length > 0 ? differs.join(', ') : `vs ${baseline.backend}`})`;
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
 * both count); per scenario, its newest calibration. A file that is not a valid result is skipped with a warning
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
  const calibrated = new Set<string>();
  const perScenario: Findings['calibrations'] = [];
  for (const source of calibrations) {
    source.data.scenarios.forEach((sc, index) => {
      if (calibrated.has(sc.name)) return;
      calibrated.add(sc.name);
      perScenario.push({ source, index });
    });
  }
  for (const f of new Set(perScenario.map((c) => c.source.file))) files.push(f);
  if (tight.length === 0 && realistic.length === 0) {
    throw new UsageError(`--results ${dir}: no tight or realistic result found (run overbench gate, tight or realistic first)`);
  }
  return { dir, tight, realistic, calibrations: perScenario, files };
}
