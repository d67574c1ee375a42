import { readFileSync } from 'node:fs';
import { UsageError } from '../../common/exit-codes.ts';
import { Calibration } from '../result/calibration.ts';
import type { PairSd } from '../run/compare-rounds.ts';
import { pctToLog } from './power.ts';

/**
 * `--calibration FILE` (realistic, gate): the pair luck a one-pair calibration measured, per
 * scenario name, for the run to add to its one-pair intervals (harness/stats/processes.ts,
 * withPairLuck). A file that is missing, not JSON or not a calibration is bad input (exit 2),
 * named; a scenario the file does not calibrate (or calibrated over several pairs) is not in it.
 */
export function readPairLuck(file: string): Map<string, PairSd> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--calibration ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`--calibration ${file}: not JSON`);
  }
  const parsed = Calibration.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--calibration ${file}: not a calibration.json (${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  const pairLuck = new Map<string, PairSd>();
  for (const s of parsed.data.scenarios) {
    const cpu = s.pairLuck?.cpuPerRequest;
    if (cpu) pairLuck.set(s.name, { cpuPerRequest: pctToLog(cpu.sdPct) });
  }
  return pairLuck;
}

/**
 * The `--calibration` flag as both commands read it (repeatable: calibrations of different
 * scenarios, a later file's entry over an earlier one): undefined when absent; otherwise the pair
 * luck by scenario, with one line to `warn` naming the scenarios no file covers.
 */
export function calibrationFlag(files: readonly string[] | undefined, scenarioNames: readonly string[], warn: (line: string) => void): Map<string, PairSd> | undefined {
  if (files === undefined || files.length === 0) return undefined;
  const merged = new Map<string, PairSd>();
  for (const file of files) for (const [name, sd] of readPairLuck(file)) merged.set(name, sd);
  const missing = scenarioNames.filter((n) => !merged.has(n));
  if (missing.length > 0) warn(`--calibration ${files.join(', ')}: no one-pair pair luck for ${missing.join(', ')}; their intervals count only their own rounds`);
  return merged;
}
