import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Result } from '../result/schema.ts';

export interface WriteRunOptions {
  /** Folder that holds one sub-folder per run and latest.json (default reports/). */
  outDir: string;
}

/**
 * Writes `<outDir>/<runId>/result.json` and copies it to `<outDir>/latest.json`. The result is
 * validated first: a renderer must never see a file the schema would reject.
 */
export async function writeRun(result: Result, opts: WriteRunOptions): Promise<{ dir: string; files: string[] }> {
  const checked = Result.parse(result);
  const dir = path.join(opts.outDir, checked.runId);
  await mkdir(dir, { recursive: true });
  const resultFile = path.join(dir, 'result.json');
  // Written to a temp name then renamed would be safer, but a run writes its own fresh folder.
  await writeFile(resultFile, JSON.stringify(checked, null, 2) + '\n');
  const latest = path.join(opts.outDir, 'latest.json');
  await copyFile(resultFile, latest);
  return { dir, files: [resultFile, latest] };
}
