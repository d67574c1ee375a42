import type { RunOutcome } from '../result/build.ts';
import type { Comparison, ScenarioResult, WindowResult } from '../result/schema.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import { scenarioVerdict } from '../stats/compare.ts';
import { keepDecided, lookAlpha, planLooks, stopAfterLook, type StopReason } from '../stats/sequential.ts';
import { compareRounds } from './compare-rounds.ts';
import type { RunListener } from './events.ts';
import { planScenarios, type RunOverrides, type ScenarioPlan } from './plan.ts';
import { runScenario, type ScenarioOutcome } from './scenario-run.ts';

export interface RealisticOptions extends RunOverrides {
  scenarios: readonly LoadedScenario[];
  seed: number;
  signal: AbortSignal;
  onEvent?: RunListener;
  /**
   * --until-decided --max-time: sequential rounds (harness/stats/sequential.ts). Each scenario adds
   * batches of its rounds while a comparison is inconclusive, within this many milliseconds of
   * its start.
   */
  untilDecidedMs?: number;
}

/** A comparison and a scenario of a sequential run: the looks taken, and the last look's level. */
export type SequentialComparison = Comparison & { looks: number; alpha: number };
export type SequentialScenarioResult = ScenarioResult & { looks: number; maxLooks: number; stoppedBy?: StopReason };

/**
 * What runScenario gets besides the signal and the listener: `moreRounds`, consulted after each
 * batch of rounds with every measured window so far, says how many rounds to add (0: stop).
 */
interface ScenarioContext {
  signal: AbortSignal;
  emit: RunListener;
  moreRounds?: (rounds: readonly WindowResult[]) => number;
}

/**
 * One scenario's sequential rounds: a look after each batch (all rounds so far, at the level the
 * spending function gives the look), another batch while a comparison is inconclusive and time
 * allows, and the scenario's result from the looks: each comparison as the first look that decided
 * it read it (keepDecided), else as the last look did. The clock starts with the scenario; the
 * first batch starts with its first window of round 1 (the listener sees it).
 */
export class SequentialRounds {
  looks = 0;
  maxLooks = 1;
  alpha = lookAlpha(1, 1);
  stoppedBy: StopReason | undefined;
  private readonly startMs: number;
  private batchStartMs: number | null = null;
  private longestBatchMs = 0;
  /** The comparisons as the looks so far stand (keepDecided). */
  private standing: SequentialComparison[] = [];

  constructor(
    private readonly plan: ScenarioPlan,
    private readonly maxTimeMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startMs = now();
  }

  /** The listener runScenario gets: events pass on, the scenario's end with the last look's comparisons. */
  listener(emit: RunListener): RunListener {
    return (event) => {
      if (event.type === 'window-start' && event.round === 1 && this.batchStartMs === null) this.batchStartMs = this.now();
      emit(event.type === 'scenario-end' ? { ...event, result: this.finish(event.result) } : event);
    };
  }

  /** After a batch: look at every round so far; the rounds of another batch, or 0 to stop. */
  readonly moreRounds = (rounds: readonly WindowResult[]): number => {
    const t = this.now();
    const elapsedMs = t - this.startMs;
    const batchMs = t - (this.batchStartMs ?? this.startMs);
    this.longestBatchMs = Math.max(this.longestBatchMs, batchMs);
    this.batchStartMs = t;
    this.looks++;
    if (this.looks === 1) this.maxLooks = planLooks({ maxTimeMs: this.maxTimeMs, elapsedMs, batchMs });
    this.alpha = lookAlpha(this.looks, this.maxLooks);
    this.standing = keepDecided(this.standing, this.compare(rounds));
    const verdicts = this.standing.map((c) => c.verdict);
    const stop = stopAfterLook({ look: this.looks, maxLooks: this.maxLooks, verdicts, elapsedMs, longestBatchMs: this.longestBatchMs, maxTimeMs: this.maxTimeMs });
    if (stop === null) return this.plan.scenario.rounds;
    this.stoppedBy = stop;
    return 0;
  };

  /**
   * The scenario's result as the looks read it: each comparison at the level of the look it comes
   * from (the first that decided it, else the last), carrying that look and level, and the verdict
   * from them. One that ended in an error keeps its (empty) comparisons; one that never got to a
   * look (an error in its first batch) is left as it is.
   */
  finish(result: ScenarioResult): ScenarioResult {
    if (this.looks === 0) return result;
    const seq = { looks: this.looks, maxLooks: this.maxLooks, ...(this.stoppedBy && { stoppedBy: this.stoppedBy }) };
    if (result.error !== undefined) return { ...result, ...seq } satisfies SequentialScenarioResult;
    const comparisons = keepDecided(this.standing, this.compare(result.rounds));
    return { ...result, ...seq, comparisons, verdict: scenarioVerdict(comparisons, result.exactness ? result.exactness.ok : null) } satisfies SequentialScenarioResult;
  }

  private compare(rounds: readonly WindowResult[]): SequentialComparison[] {
    return compareRounds(rounds, this.plan.scenario.budgets, this.plan.seed, { alpha: this.alpha, pairLuck: this.plan.pairLuck }).map((c) => ({ ...c, looks: this.looks, alpha: this.alpha }));
  }
}

/**
 * Every selected scenario, one after another (never two at once: they would measure each other).
 * All scenarios are planned and checked before the first process starts; a bad one is exit 2
 * with nothing started. The outcome's world is that of the first scenario that had fakes.
 */
export async function runRealistic(opts: RealisticOptions): Promise<RunOutcome> {
  const emit: RunListener = opts.onEvent ?? (() => {});
  const plans = planScenarios(opts.scenarios, opts, opts.seed);
  emit({
    type: 'run-start',
    scenarios: plans.map((p) => ({ name: p.scenario.name, profile: p.scenario.profile, plannedSec: p.plannedSec })),
    plannedSec: plans.reduce((s, p) => s + p.plannedSec, 0),
  });
  const scenarios: ScenarioResult[] = [];
  let world: ScenarioOutcome['world'] = null;
  for (const [index, plan] of plans.entries()) {
    const seq = opts.untilDecidedMs === undefined ? null : new SequentialRounds(plan, opts.untilDecidedMs);
    const ctx: ScenarioContext = seq ? { signal: opts.signal, emit: seq.listener(emit), moreRounds: seq.moreRounds } : { signal: opts.signal, emit };
    const outcome = await runScenario(plan, { index, count: plans.length }, ctx);
    if (seq && seq.looks === 0 && outcome.result.error === undefined) {
      throw new Error('--until-decided: harness/run/scenario-run.ts did not consult ctx.moreRounds after its rounds (not wired yet)');
    }
    scenarios.push(seq ? seq.finish(outcome.result) : outcome.result);
    world ??= outcome.world;
  }
  return { scenarios, world };
}
