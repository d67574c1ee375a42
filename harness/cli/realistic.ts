import { CORE_SWAPS, type CoreSwap } from '../run/plan.ts';
import { runRealistic } from '../run/realistic.ts';
import { randomSeed } from '../run/seeds.ts';
import { loadScenarios } from '../scenario/load.ts';
import { DESIGNS, PROFILE_NAMES, type Design, type ProfileName } from '../scenario/schema.ts';
import { ExitCode, UsageError } from '../../common/exit-codes.ts';
import { inconclusiveFlag, intFlag, outFlag, flags, parseCommand, seedFlag, untilDecidedFlags } from './flags.ts';
import { worldFlag } from '../targets/compose-world.ts';
import { runAndReport } from './run-and-report.ts';
import { calibrationFlag } from '../calibrate/pair-luck.ts';
import { dashboardPortFlag, normaliseDashboardArgv, startRunView } from '../live/run-view.ts';

const USAGE = `usage: overbench realistic [--scenario NAME|PATH]... [--profile smoke|ci|full] [--backend B]
  [--baseline TARGET] [--instrumented TARGET] [--baseline-pid N] [--instrumented-pid N]
  [--rounds N] [--processes P] [--design duet|interleaved] [--core-swap rapid|mid-window|round] [--seed N] [--out DIR] [--json]
  [--inconclusive=pass] [--until-decided --max-time DURATION] [--dashboard [PORT]] [--world fakes|compose]
  [--calibration FILE]...
--processes: spread the rounds over P pairs of target processes, started afresh one after the
  other: a process's own JIT and layout luck is counted. With a known pair luck (the scenario's
  pairLuck, or --calibration) the rounds' interval, widened by it pooled with the pairs' spread;
  without, at P = 2 by their spread alone, at P >= 3 the interval across the pairs
--calibration FILE: a calibration.json (overbench calibrate; repeatable); each scenario it
  calibrated counts the pair luck measured there in its CPU, latency and throughput intervals, over the scenario's pairLuck
--world compose: the services of docker-compose.bench.yml, by URL, instead of fakes started here
--dashboard: a live view of the run on http://127.0.0.1:PORT (none or 0: a free port, printed)
--design: duet (default) loads and measures both variants at once, each on its own core: the
  cores alternate every 20 ms (--core-swap rapid, the default, in cpuset groups; without them
  as mid-window), or are pinned with taskset and swapped every round and halfway through each
  measured window (mid-window) or every round only (round); interleaved runs them one after the other
--until-decided: while a comparison is inconclusive, add batches of rounds, each look at its share
  of the 5% error rate (a comparison keeps the first look's verdict that decided it), each
  scenario within DURATION (90s, 5m, 1h) of its start
TARGET: "spawn:CMD ARGS" ({port}, $PORT, $EXAI_WS_PORT) or "url:ws://host:port"; none = the reference daemon
exit: 0 pass, 1 budget failed, 2 bad input or target fault, 3 inconclusive`;

export const REALISTIC_FLAGS = flags(
  'scenario', 'profile', 'backend', 'baseline', 'instrumented', 'baseline-pid', 'instrumented-pid', 'rounds', 'processes', 'seed', 'out', 'json', 'inconclusive',
  'until-decided', 'max-time', 'design', 'core-swap', 'dashboard', 'world', 'calibration',
);

export function profileFlag(value: string | undefined): ProfileName | undefined {
  if (value === undefined) return undefined;
  if (!(PROFILE_NAMES as readonly string[]).includes(value)) throw new UsageError(`--profile "${value}": expected one of ${PROFILE_NAMES.join(', ')}`);
  return value as ProfileName;
}

export function designFlag(value: string | undefined): Design | undefined {
  if (value === undefined) return undefined;
  if (!(DESIGNS as readonly string[]).includes(value)) throw new UsageError(`--design "${value}": expected one of ${DESIGNS.join(', ')}`);
  return value as Design;
}

/** --processes P: 1 to 20 pairs. */
export function processesFlag(value: string | undefined): number | undefined {
  const p = intFlag('processes', value, 1);
  if (p !== undefined && p > 20) throw new UsageError(`--processes "${value}": expected an integer from 1 to 20`);
  return p;
}

export function coreSwapFlag(value: string | undefined): CoreSwap | undefined {
  if (value === undefined) return undefined;
  if (!(CORE_SWAPS as readonly string[]).includes(value)) throw new UsageError(`--core-swap "${value}": expected one of ${CORE_SWAPS.join(', ')}`);
  return value as CoreSwap;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(normaliseDashboardArgv(argv), REALISTIC_FLAGS, { usage: USAGE });
  if (!parsed) return ExitCode.Pass;
  const { values: f } = parsed;
  const profile = profileFlag(f.profile);
  const inconclusive = inconclusiveFlag(f.inconclusive);
  const seed = seedFlag(f.seed) ?? randomSeed();
  const rounds = intFlag('rounds', f.rounds, 1);
  const processes = processesFlag(f.processes);
  const design = designFlag(f.design);
  const coreSwap = coreSwapFlag(f['core-swap']);
  const world = worldFlag(f.world);
  const baselinePid = intFlag('baseline-pid', f['baseline-pid'], 1);
  const instrumentedPid = intFlag('instrumented-pid', f['instrumented-pid'], 1);
  const outDir = outFlag(f.out);
  const untilDecidedMs = untilDecidedFlags(f['until-decided'], f['max-time']);
  const dashboardPort = dashboardPortFlag(f.dashboard);
  const scenarios = await loadScenarios(f.scenario ?? []);
  const pairLuck = await calibrationFlag(f.calibration, scenarios, (line) => process.stderr.write(`${line}\n`));
  const view = dashboardPort === null ? null : await startRunView({ port: dashboardPort, scenarios, profile, seed });
  try {
    return await runAndReport({ sub: 'realistic', argv, seed, outDir, json: Boolean(f.json), inconclusive }, (signal, onEvent) =>
      runRealistic({
        scenarios,
        seed,
        signal,
        onEvent: view ? view.listen(onEvent) : onEvent,
        profile,
        backend: f.backend,
        baseline: f.baseline,
        instrumented: f.instrumented,
        baselinePid,
        instrumentedPid,
        rounds,
        processes,
        design,
        coreSwap,
        world,
        untilDecidedMs,
        pairLuck,
      }),
    );
  } finally {
    // The report is linked (when this run wrote one) and the view closes.
    await view?.finish(outDir);
  }
}
