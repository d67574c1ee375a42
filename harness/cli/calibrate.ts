import { runCalibration } from '../calibrate/run.ts';
import { renderCalibrationText } from '../calibrate/render.ts';
import { BURN_MULTIPLES, Z_ALPHA, Z_POWER } from '../calibrate/power.ts';
import { CALIBRATION_SCHEMA_VERSION, type Calibration } from '../result/calibration.ts';
import { checkCalibratable, calibrationScenario } from '../calibrate/variants.ts';
import { writeCalibration } from '../calibrate/write.ts';
import { envInfo, newRunId } from '../result/build.ts';
import { planScenarios } from '../run/plan.ts';
import { randomSeed } from '../run/seeds.ts';
import { loadScenarios } from '../scenario/load.ts';
import { ExitCode } from '../../common/exit-codes.ts';
import { commandLine, intFlag, outFlag, flags, parseCommand, seedFlag } from './flags.ts';
import { coreSwapFlag, designFlag, processesFlag, profileFlag } from './realistic.ts';
import { interruptible } from './run-and-report.ts';

const USAGE = `usage: overbench calibrate [--scenario NAME|PATH]... [--profile smoke|ci|full] [--repeats K]
  [--rounds N] [--processes P] [--design duet|interleaved] [--core-swap rapid|mid-window|round] [--seed N] [--out DIR] [--json]
What this machine can tell apart, per scenario: K A/A runs (the baseline against a second identical
baseline), the baseline against the same build burning known CPU per call (EXAI_BENCH_BURN_US at
0, 0.5x, 1x, 2x the cpuPerRequest budget), the minimum detectable effect per metric, and whether
the CPU intervals are as wide as the truth needs (too narrow: spread the rounds with --processes).
Also the luck each pair of processes carries (pairLuck: CPU's from the truths, the latency
percentiles' and throughput's from the A/A runs or, with --processes, the pairs' spread), which a scenario's pairLuck
or realistic and gate --calibration FILE count in their intervals; the verdicts, widths,
coverage and MDE reported are then those intervals' (each run widened by the other runs' luck).
Writes <out>/<run-id>/calibration.json, summary.md and <out>/latest-calibration.json.
exit: 0 calibrated (a measurement, not a verdict), 2 bad input or a target fault`;

const DEFAULT_REPEATS = 3;

/** The realistic command's flags that apply to each calibration run, and the number of A/A repeats. */
const CALIBRATE_FLAGS = flags('scenario', 'profile', 'rounds', 'processes', 'design', 'core-swap', 'seed', 'out', 'json', 'repeats');

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, CALIBRATE_FLAGS, { usage: USAGE });
  if (!parsed) return ExitCode.Pass;
  const { values: f } = parsed;
  const profile = profileFlag(f.profile);
  const repeats = intFlag('repeats', f.repeats, 1) ?? DEFAULT_REPEATS;
  const rounds = intFlag('rounds', f.rounds, 1);
  const processes = processesFlag(f.processes);
  const design = designFlag(f.design);
  const coreSwap = coreSwapFlag(f['core-swap']);
  const seed = seedFlag(f.seed) ?? randomSeed();
  const outDir = outFlag(f.out);
  const json = Boolean(f.json);
  const scenarios = await loadScenarios(f.scenario ?? []);
  checkCalibratable(scenarios);
  // Every calibration variant is planned (targets, limits) before the first process starts.
  planScenarios(scenarios.map((s) => calibrationScenario(s, 1)), { profile, rounds, processes, design, coreSwap }, seed);

  const startedAt = new Date();
  const progress = json ? undefined : (line: string) => process.stderr.write(`${line}\n`);
  return interruptible(
    (signal) => runCalibration({ scenarios, profile, rounds, processes, design, coreSwap, repeats, seed, signal, progress }),
    async (outcome) => {
      const runId = newRunId(startedAt);
      const { gitSha, node, os, cpuModel, cpus } = envInfo(outcome.world);
      const calibration: Calibration = {
        schemaVersion: CALIBRATION_SCHEMA_VERSION,
        scenarios: outcome.scenarios,
        runId,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        command: commandLine('calibrate', argv),
        seed,
        method: { alpha: 0.05, power: 0.8, burnMultiples: [...BURN_MULTIPLES] },
        env: { node, os, cpuModel, cpus, gitSha },
      };
      const { files } = await writeCalibration(calibration, runId, outDir);
      if (json) process.stdout.write(`${JSON.stringify(calibration, null, 2)}\n`);
      else process.stdout.write(`${renderCalibrationText(calibration)}\n\ncalibration: ${files[0]}\n`);
      const faults = outcome.scenarios.flatMap((s) => [...(s.aa.runs ?? []), ...s.injected].filter((r) => r.error).map((r) => `${s.name}: ${r.error}`));
      for (const fault of faults) process.stderr.write(`overbench calibrate: ${fault}\n`);
      return faults.length > 0 ? ExitCode.BadInput : ExitCode.Pass;
    },
  );
}
