import { Calibration, CALIBRATION_SCHEMA_VERSION } from '../result/calibration.ts';
import { loadDocument } from '../result/read-document.ts';
import { pairLuckFrom, type PairLuck } from '../run/compare-rounds.ts';
import type { LoadedScenario } from '../scenario/load.ts';

/**
 * `--calibration FILE` (realistic, gate): the luck of one pair of processes that a calibration
 * measured (over one pair per run or several), per scenario name, for the run to count in its CPU
 * intervals (harness/stats/compare.ts). A file that is missing, not JSON or not a calibration is
 * bad input (exit 2, one line: harness/result/read-document.ts); a scenario the file does not
 * calibrate, or could not measure a luck for, is not in it.
 */
export async function readPairLuck(file: string): Promise<Map<string, PairLuck>> {
  const calibration = await loadDocument(file, `--calibration ${file}`, Calibration, CALIBRATION_SCHEMA_VERSION);
  const pairLuck = new Map<string, PairLuck>();
  for (const s of calibration.scenarios) {
    const luck = pairLuckFrom(s.pairLuck, `the calibration ${file}`);
    if (luck) pairLuck.set(s.name, luck);
  }
  return pairLuck;
}

/**
 * The `--calibration` flag as both commands read it (repeatable: calibrations of different
 * scenarios, a later file's entry over an earlier one): undefined when absent; otherwise the pair
 * luck by scenario, with one line to `warn` naming the scenarios that neither a file nor their own
 * `pairLuck` covers.
 */
export async function calibrationFlag(files: readonly string[] | undefined, scenarios: readonly LoadedScenario[], warn: (line: string) => void): Promise<Map<string, PairLuck> | undefined> {
  if (files === undefined || files.length === 0) return undefined;
  const merged = new Map<string, PairLuck>();
  for (const file of files) for (const [name, sd] of await readPairLuck(file)) merged.set(name, sd);
  const missing = scenarios.filter((s) => !merged.has(s.scenario.name) && !s.scenario.pairLuck).map((s) => s.scenario.name);
  if (missing.length > 0) warn(`--calibration ${files.join(', ')}: no pair luck for ${missing.join(', ')}; their intervals count only their own rounds`);
  return merged;
}
