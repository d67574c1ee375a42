import { renderScenario } from '../console/scenario-table.ts';
import { tightProgressLine } from '../console/tight-progress.ts';
import { RunAborted } from '../run/guard.ts';
import { planScenarios } from '../run/plan.ts';
import { runRealistic } from '../run/realistic.ts';
import { randomSeed } from '../run/seeds.ts';
import { loadScenarios } from '../scenario/load.ts';
import { ExitCode } from '../../common/exit-codes.ts';
import { inconclusiveFlag, outFlag, flags, parseCommand, seedFlag, untilDecidedFlags } from './flags.ts';
import { runAndReport } from './run-and-report.ts';
import { calibrationFlag } from '../calibrate/pair-luck.ts';

const USAGE = `usage: overbench gate [--backend B] [--seed N] [--out DIR] [--json] [--inconclusive=pass]
  [--until-decided --max-time DURATION] [--calibration FILE]...
The CI gate: the ci profile of bench:tight and of every built-in realistic scenario, one result,
exit 0 pass, 1 a budget failed, 2 bad input or target fault, 3 inconclusive.
--until-decided: a realistic scenario left inconclusive adds batches of rounds, each look at its
  share of the 5% error rate (a comparison keeps the first look's verdict that decided it),
  within DURATION (90s, 5m) of the scenario's start
--calibration FILE: a calibration.json (overbench calibrate --profile ci; repeatable); each
  scenario it calibrated counts the pair luck measured there in its CPU, latency and throughput intervals, over
  the figure the built-in scenario carries (pairLuck, measured on the 2-core build machine)`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, flags('backend', 'seed', 'out', 'json', 'inconclusive', 'until-decided', 'max-time', 'calibration'), { usage: USAGE });
  if (!parsed) return ExitCode.Pass;
  const { values: f } = parsed;
  const inconclusive = inconclusiveFlag(f.inconclusive);
  const seed = seedFlag(f.seed) ?? randomSeed();
  const outDir = outFlag(f.out);
  const untilDecidedMs = untilDecidedFlags(f['until-decided'], f['max-time']);
  const scenarios = await loadScenarios([]);
  const pairLuck = await calibrationFlag(f.calibration, scenarios, (line) => process.stderr.write(`${line}\n`));
  // Check the realistic half before spending minutes on the tight half.
  planScenarios(scenarios, { profile: 'ci', backend: f.backend }, seed);
  return runAndReport({ sub: 'gate', argv, seed, outDir, json: Boolean(f.json), inconclusive }, async (signal, onEvent) => {
    if (!f.json) process.stderr.write('bench:tight (ci profile)...\n');
    // Loaded only when the gate runs: `realistic` must not pay for the tight bench's modules.
    const { runTight } = await import('../tight/run.ts');
    const tight = await runTight({ profile: 'ci', seed, onEvent: f.json ? undefined : tightProgressLine(), signal });
    if (signal.aborted) throw new RunAborted(String(signal.reason));
    if (!f.json) for (const s of tight) process.stdout.write(`${renderScenario(s)}\n\n`);
    const realistic = await runRealistic({ scenarios, seed, signal, onEvent, profile: 'ci', backend: f.backend, untilDecidedMs, pairLuck });
    return { scenarios: [...tight, ...realistic.scenarios], world: realistic.world };
  });
}
