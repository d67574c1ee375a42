import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderCalibrationMarkdown } from './render.ts';
import { Calibration } from './schema.ts';

export const LATEST_CALIBRATION = 'latest-calibration.json';

/**
 * `<outDir>/<runId>/calibration.json` (checked against the schema first: a file that fails it is
 * never written), `summary.md` beside it, and a copy at `<outDir>/latest-calibration.json`.
 */
export async function writeCalibration(calibration: Calibration, runId: string, outDir: string): Promise<{ dir: string; files: string[] }> {
  const checked = Calibration.parse(calibration);
  const dir = path.join(outDir, runId);
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, 'calibration.json');
  const md = path.join(dir, 'summary.md');
  const latest = path.join(outDir, LATEST_CALIBRATION);
  await writeFile(json, `${JSON.stringify(checked, null, 2)}\n`);
  await writeFile(md, renderCalibrationMarkdown(checked));
  await copyFile(json, latest);
  return { dir, files: [json, md, latest] };
}
