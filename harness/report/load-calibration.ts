import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Calibration } from '../result/calibration.ts';

/** Where `overbench calibrate` leaves its newest output, in the same reports folder as the runs. */
export const LATEST_CALIBRATION = 'latest-calibration.json';

/**
 * The newest calibration in a reports folder, for the HTML report's calibration section. Missing,
 * unreadable or not a calibration (an older schema, a hand-edited file): undefined, and the report
 * goes without the section rather than failing a finished run.
 */
export async function readLatestCalibration(outDir: string): Promise<Calibration | undefined> {
  try {
    const parsed = Calibration.safeParse(JSON.parse(await readFile(path.join(outDir, LATEST_CALIBRATION), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
