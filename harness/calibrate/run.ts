import { fmtChange, LIVE_PCT_DIGITS } from '../../common/format.ts';
import type { RunOutcome } from '../result/build.ts';
import type { ScenarioResult } from '../result/schema.ts';
import { RunAborted } from '../run/guard.ts';
import { runRealistic } from '../run/realistic.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import { applyProfile } from '../scenario/profile.ts';
import type { Design, ProfileName } from '../scenario/schema.ts';
import type { CoreSwap } from '../run/plan.ts';
import { burnLevels, intervalHonesty, type BurnLevel } from './power.ts';
import { SPREAD_LUCK_METRICS, type InjectedLevel, type ScenarioCalibration } from '../result/calibration.ts';
import { analyseAa, cpuLuckEvidence, cpuPairLuck, injectedLevel, judgedWithPairLuck, knownCpuTruths, spreadLuckEvidence, spreadPairLuck, roundsAlone, type CalibrationRun, type LevelRun } from './summarise.ts';
import { calibrationScenario } from './variants.ts';

/** The cpuPerRequest budget the burn levels aim at when a scenario gives none. */
export const DEFAULT_CPU_BUDGET_PCT = 10;

export interface CalibrateOptions {
  scenarios: readonly LoadedScenario[];
  profile?: ProfileName;
  rounds?: number;
  /** --processes over the scenarios' own: pairs of processes each run spreads its rounds over. */
  processes?: number;
  /** --design over the scenarios' own (calibrate both to choose between them). */
  design?: Design;
  /** --core-swap over the default. */
  coreSwap?: CoreSwap;
  /** A/A runs per scenario, each a full run of the profile's rounds with its own seed. */
  repeats: number;
  seed: number;
  signal: AbortSignal;
  /** One line per run started and finished (stderr in the CLI); none with --json. */
  progress?: (line: string) => void;
}

export interface CalibrationOutcome {
  scenarios: ScenarioCalibration[];
  world: RunOutcome['world'];
}

/** The seed of a scenario's n-th run (A/A repeats first, then the injected levels): distinct, reproducible. */
export const runSeed = (seed: number, n: number) => (seed + n * 0x9e3779b1) >>> 0;

function describeRun(r: ScenarioResult): string {
  if (r.error) return `error: ${r.error}`;
  const cpu = r.comparisons.find((c) => c.metric === 'cpuPerRequest');
  const cpuText = cpu ? `, cpuPerRequest ${fmtChange(cpu.estimatePct, cpu.ciLowPct, cpu.ciHighPct, LIVE_PCT_DIGITS)} ${cpu.verdict}` : '';
  return `${r.verdict}${cpuText}`;
}

/**
 * Calibrate each scenario in turn: K A/A runs (the baseline against a second baseline process),
 * then the baseline against the same build burning known CPU per call at 0.5x, 1x and 2x the
 * cpuPerRequest budget (sized from the A/A runs' CPU per request). The zero level is the first
 * A/A repeat: the same experiment, not run twice. Every run goes through runRealistic, so an abort
 * stops every process and throws RunAborted.
 */
export async function runCalibration(opts: CalibrateOptions): Promise<CalibrationOutcome> {
  const say = opts.progress ?? (() => {});
  let world: RunOutcome['world'] = null;
  const runOne = async (loaded: LoadedScenario, seed: number, label: string): Promise<CalibrationRun> => {
    say(`calibrate ${loaded.scenario.name}: ${label} (seed ${seed})...`);
    const outcome = await runRealistic({ scenarios: [loaded], seed, signal: opts.signal, profile: opts.profile, rounds: opts.rounds, processes: opts.processes, design: opts.design, coreSwap: opts.coreSwap, knownLuck: false });
    if (opts.signal.aborted) throw new RunAborted(String(opts.signal.reason));
    world ??= outcome.world;
    const result = outcome.scenarios[0];
    say(`calibrate ${loaded.scenario.name}: ${label}: ${describeRun(result)}`);
    return { seed, result };
  };

  const out: ScenarioCalibration[] = [];
  for (const loaded of opts.scenarios) {
    const resolved = applyProfile(loaded.scenario, opts.profile);
    const rounds = opts.rounds ?? resolved.rounds;
    const notes: string[] = [];
    const aaRuns: CalibrationRun[] = [];
    for (let k = 0; k < opts.repeats; k++) {
      aaRuns.push(await runOne(calibrationScenario(loaded), runSeed(opts.seed, k), `A/A ${k + 1}/${opts.repeats}`));
    }
    // Over several pairs a run's own CPU interval counted their spread; the luck is measured from
    // the rounds' alone (roundsAlone), as at one pair, and every run is then judged as the gate would.
    const processes = opts.processes ?? resolved.processes;
    const asRan = new Map<CalibrationRun, CalibrationRun>();
    const alone = (r: CalibrationRun) => {
      const a = roundsAlone(r, resolved.budgets);
      asRan.set(a, r);
      return a;
    };
    const aaAlone = aaRuns.map(alone);
    const rawAa = analyseAa(aaAlone, rounds);
    const budget = resolved.budgets.cpuPerRequest;
    const budgetPct = budget === undefined ? DEFAULT_CPU_BUDGET_PCT : typeof budget === 'number' ? budget : budget.pct;
    if (budget === undefined) notes.push(`no cpuPerRequest budget: burn levels sized for ${DEFAULT_CPU_BUDGET_PCT}%`);

    const levelRuns: LevelRun[] = [];
    const cpuUs = rawAa.baselineCpuPerRequestUs;
    if (cpuUs === null || !(cpuUs > 0)) {
      notes.push('no CPU per request measured in the A/A runs: injected levels not run');
    } else {
      const levels: BurnLevel[] = burnLevels(cpuUs, budgetPct);
      for (const [i, level] of levels.entries()) {
        const reuse = level.burnUs === 0 ? aaAlone.find((r) => !r.result.error) : undefined;
        const run =
          reuse ?? alone(await runOne(calibrationScenario(loaded, level.burnUs), runSeed(opts.seed, opts.repeats + i), `burn ${level.burnUs} us (${level.multiple}x budget)`));
        levelRuns.push({ level, run, source: reuse ? 'aa' : 'injected' });
      }
    }
    // The rounds' own intervals measure the pair's luck (pairLuck) and their honesty; what the
    // calibration reports (verdicts, widths, MDE, coverage) is as a gate given this file draws it.
    const known = knownCpuTruths(aaAlone, levelRuns);
    const honesty = intervalHonesty(known);
    // Every metric's luck over several pairs from their spread (roundsAlone keeps each round's
    // pair); CPU's with the A/A runs' misses (cpuLuckEvidence), at one pair from every known truth's
    // miss; the others' at one pair from the A/A runs' misses.
    const runs = [...aaAlone, ...levelRuns.filter((l) => l.source !== 'aa').map((l) => l.run)];
    const cpuEvidence = cpuLuckEvidence(known, runs, aaAlone, processes);
    const pairLuck = cpuPairLuck(known, rawAa.mdePct.cpuPerRequest ?? null, processes, cpuEvidence);
    const spread = Object.fromEntries(SPREAD_LUCK_METRICS.map((m) => [m, spreadLuckEvidence(m, runs, aaAlone, processes)]));
    const spreadLuck = spreadPairLuck(spread, processes);
    const judged = pairLuck ? judgedWithPairLuck(known, resolved.budgets, processes, spread, cpuEvidence) : new Map<CalibrationRun, CalibrationRun>();
    // A run the others could not judge stands as it ran (over several pairs: their spread counted).
    const asJudged = (r: CalibrationRun) => judged.get(r) ?? asRan.get(r) ?? r;
    const analysis = analyseAa(aaAlone.map(asJudged), rounds);
    const injected: InjectedLevel[] = levelRuns.map(({ level, run, source }) => {
      const drawn = injectedLevel(level, asJudged(run), source);
      if (!judged.has(run)) return drawn;
      const own = injectedLevel(level, run, source);
      return { ...drawn, roundsCi: { ciLowPct: own.ciLowPct, ciHighPct: own.ciHighPct, verdict: own.verdict } };
    });
    out.push({
      name: loaded.scenario.name,
      profile: resolved.profile,
      rounds,
      aa: analysis.aa,
      injected,
      mdePct: analysis.mdePct,
      budgetsPct: analysis.budgetsPct,
      baselineCpuPerRequestUs: cpuUs,
      roundsFor: rawAa.roundsFor,
      ...(notes.length > 0 && { notes }),
      design: opts.design ?? resolved.design,
      ...(processes > 1 && { processes }),
      ...(opts.coreSwap && { coreSwap: opts.coreSwap }),
      ...(honesty && { intervalHonesty: honesty }),
      ...((pairLuck || Object.keys(spreadLuck).length > 0) && { pairLuck: { ...(pairLuck && { cpuPerRequest: pairLuck }), ...spreadLuck } }),
      ...(judged.size > 0 && { roundsMdePct: rawAa.mdePct }),
    });
  }
  return { scenarios: out, world };
}
