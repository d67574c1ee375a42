import { existsSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { secrets } from '../../common/redact.ts';
import type { Result } from '../result/schema.ts';
import { readHistory } from './history.ts';
import type { RenderContext } from './reporter.ts';
import { ReportersMap, type ReporterName } from './reporters/index.ts';

/**
 * Renders `result` with one reporter and writes it atomically (temporary name, then rename),
 * creating the folder; returns the path. The text goes through the secrets redactor: a result
 * file from elsewhere (`overbench report`) may predate redaction.
 */
export async function writeReport(name: ReporterName, result: Result, ctx: RenderContext, file: string, signal?: AbortSignal): Promise<string> {
  await writeFileAtomic(file, secrets.text(ReportersMap[name].render(secrets.data(result), ctx)), signal);
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
