import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../result/schema.ts';
import { readHistory } from './history.ts';
import type { RenderContext } from './reporter.ts';
import { ReportersMap, type ReporterName } from './reporters/index.ts';

/** Renders `result` with one reporter and writes it, creating the folder; returns the path. */
export async function writeReport(name: ReporterName, result: Result, ctx: RenderContext, file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, ReportersMap[name].render(result, ctx));
  return file;
}

/**
 * Where a result file's history lives: beside it (reports/latest.json -> reports/history.jsonl)
 * or one level up (reports/<run>/result.json -> reports/history.jsonl). Null when neither exists.
 */
export function historyFileFor(resultFile: string): string | null {
  const dir = path.dirname(path.resolve(resultFile));
  for (const candidate of [path.join(dir, 'history.jsonl'), path.join(path.dirname(dir), 'history.jsonl')]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export async function historyFor(file: string | null): Promise<RenderContext['history']> {
  return file ? (await readHistory(file)).entries : [];
}
