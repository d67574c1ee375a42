import path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { secrets } from '../../common/redact.ts';
import { Calibration } from '../result/calibration.ts';
import { renderCalibrationPage } from '../report/html/page.ts';
import { LATEST_CALIBRATION } from '../report/load-calibration.ts';
import { renderCalibrationMarkdown } from './render.ts';

/**
 * `<outDir>/<runId>/calibration.json` (checked against the schema first: a file that fails it is
 * never written), `summary.md` and `report.html` beside it, and a copy at
 * `<outDir>/latest-calibration.json`, where later runs' HTML reports find it. Each file appears
 * whole or not at all (common/atomic-write.ts).
 */
export async function writeCalibration(calibration: Calibration, runId: string, outDir: string): Promise<{ dir: string; files: string[] }> {
  // The command line and notes may carry a token given on the command line or in a variant's env.
  const checked = secrets.data(Calibration.parse(calibration));
  const dir = path.join(outDir, runId);
  const json = `${JSON.stringify(checked, null, 2)}\n`;
  const files: [string, string][] = [
    [path.join(dir, 'calibration.json'), json],
    [path.join(dir, 'summary.md'), renderCalibrationMarkdown(checked)],
    [path.join(dir, 'report.html'), renderCalibrationPage(checked)],
    [path.join(outDir, LATEST_CALIBRATION), json],
  ];
  for (const [file, text] of files) await writeFileAtomic(file, text);
  return { dir, files: files.map(([f]) => f) };
}
