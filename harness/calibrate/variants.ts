import { UsageError } from '../../common/exit-codes.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';

/** The reference daemon's calibration knob (daemon/README.md): microseconds of CPU spun per tool call. */
export const BURN_ENV = 'EXAI_BENCH_BURN_US';

/**
 * A calibration variant of a scenario: its baseline against a second process of the same
 * baseline (A/A), with `EXAI_BENCH_BURN_US` set on the second when `burnUs` is given. Scenarios
 * are plain data, so this is a copy with `variants` replaced; the run plans and checks it like
 * any other scenario.
 */
export function calibrationScenario(loaded: LoadedScenario, burnUs?: number): LoadedScenario {
  const baseline = loaded.scenario.variants.baseline;
  const twin = structuredClone(baseline);
  if (burnUs !== undefined) twin.env = { ...twin.env, [BURN_ENV]: String(burnUs) };
  const scenario: Scenario = { ...loaded.scenario, variants: { baseline: structuredClone(baseline), instrumented: twin } };
  return { ...loaded, scenario };
}

/**
 * Calibration starts two processes of the baseline and injects cost through their environment:
 * a `url:` baseline (a daemon already running, one process) can do neither.
 */
export function checkCalibratable(loaded: readonly LoadedScenario[]): void {
  const problems = loaded
    .filter((l) => l.scenario.variants.baseline.target?.startsWith('url:'))
    .map((l) => `${l.file} (${l.scenario.name}): baseline is a url: target; calibration needs a baseline it can start twice (the reference daemon or spawn:)`);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
}
