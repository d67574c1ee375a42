import { randomBytes } from 'node:crypto';
import type { Result, WindowResult, ScenarioResult } from '../result/schema.ts';
import { initialWarmupSec } from '../scenario/profile.ts';
import { stopAllChildren } from '../targets/children.ts';
import type { Worlds } from '../targets/fakes-process.ts';
import { DriverFault } from '../driver/process.ts';
import type { Phase, RunListener, VariantName } from './events.ts';
import { summarizeExactness, type ExactnessRound } from './exactness.ts';
import { Guard, TargetDied } from './guard.ts';
import { DuetPlacement } from './duet.ts';
import { LoadSpan, measuredWindows, runsContinuously, type LiveVariant, type MeasuredWindow, type WindowSlot } from './measured-window.ts';
import { duetSlots, pairOfRound, roundPlans, type ScenarioPlan } from './plan.ts';
import { ProcessPair } from './process-pair.ts';
import { keepsIssuing, SETTLE_WINDOW_SEC, settleTargets } from './settle.ts';
import { VARIANTS } from './start-variants.ts';
import { uninjectedWorldErrors } from './world-errors.ts';
import { attachMatchedWork } from './window-result.ts';
import { concludeScenario, type Conclusion } from './conclude.ts';

type WorldInfo = NonNullable<Result['env']['world']>;

export interface ScenarioOutcome {
  result: ScenarioResult;
  world: WorldInfo | null;
}

/**
 * One scenario end to end: a pair of processes (world, both targets, a driver each: process-pair.ts)
 * with a long warm-up, then R rounds of both variants, each a warm-up window and a measured
 * window: one variant after the other in a seeded order (`design: 'interleaved'`), or both at
 * once on their own cores, swapped every round (`'duet'`). With `processes` P > 1 the rounds run
 * in P fresh pairs one after the other, each warmed up anew, and each window records its pair.
 * Everything it started is stopped in `finally`, whatever happened. A death mid-run becomes the scenario's `error`; an abort rethrows.
 * So does a broken world: once a round shows errors the world did not inject (README, "How a
 * verdict is reached"), the scenario stops there with no verdict.
 */
export async function runScenario(
  plan: ScenarioPlan,
  position: { index: number; count: number },
  ctx: {
    signal: AbortSignal;
    emit: RunListener;
    /**
     * Sequential rounds (--until-decided, harness/run/realistic.ts): after the last planned round,
     * with every measured window so far, how many rounds to add (0: stop). Asked again after each
     * added batch. Each batch runs in fresh pairs of processes (P of them, one by default), warmed
     * up anew, and each window records its pair: a pair's luck then averages out over the batches
     * (harness/stats/compare.ts), which more rounds in one pair could never do.
     */
    moreRounds?: (rounds: readonly WindowResult[]) => number;
  },
): Promise<ScenarioOutcome> {
  const s = plan.scenario;
  const guard = new Guard(ctx.signal);
  const rounds: WindowResult[] = [];
  const exactRounds: ExactnessRound[] = [];
  let worlds: Worlds | null = null;
  let placement: DuetPlacement | null = null;
  const variantsInfo = { baseline: { ...plan.variants.baseline.info }, instrumented: { ...plan.variants.instrumented.info } };
  let totalRounds = s.rounds;
  /** Seconds of settling windows each pair of processes took before its first round (settle.ts). */
  const settleSec: number[] = [];
  /** Whether the current pair's load runs on through its rounds (runsContinuously), and whether any pair's did. */
  let continuous = false;
  let ranContinuously = false;
  /** The current pair's continuous span of rounds, between its drained edges. */
  let span: LoadSpan | null = null;
  const emitWindow = (round: number, variant: VariantName | 'both', phase: Phase, durationSec: number) =>
    ctx.emit({ type: 'window-start', scenario: s.name, round, rounds: totalRounds, variant, phase, durationSec });
  /** The scenario's result from whatever rounds ran (all of them, or those before an error). */
  const finish = (end: Conclusion): ScenarioOutcome => {
    const result: ScenarioResult = {
      name: s.name,
      kind: 'realistic',
      description: s.description,
      profile: s.profile,
      verdict: end.verdict,
      variants: variantsInfo,
      rounds,
      comparisons: end.comparisons,
      exactness: end.exactness,
      design: s.design,
      ...(s.processes > 1 && { processes: s.processes }),
      ...(end.pairCheck && { pairCheck: end.pairCheck }),
      ...(settleSec.length > 0 && { settleSec }),
      ...(ranContinuously && { continuousLoad: true }),
      ...(placement && { pinning: placement.pinning }),
      ...(placement && placement.pinning !== 'none' && { coreSwap: placement.coreSwap }),
      ...(end.error !== undefined && { error: end.error }),
    };
    ctx.emit({ type: 'scenario-end', result });
    return { result, world: worlds?.baseline.world ?? null };
  };

  ctx.emit({ type: 'scenario-start', scenario: s.name, index: position.index, count: position.count, plannedSec: plan.plannedSec });
  // One salt per run for both variants (and every pair of processes): with paired worlds they send the same requests.
  const salt = `${s.name}.${randomBytes(4).toString('hex')}`;
  let pair: ProcessPair | null = null;
  const closePair = async () => {
    const p = pair;
    pair = null;
    await p?.close();
  };
  try {
    const onReference = VARIANTS.filter((name) => plan.variants[name].spec.kind === 'reference');
    const worldErrors = () => uninjectedWorldErrors(rounds, s.world, onReference);
    const windowTimeout = (sec: number) => sec * 1000 + s.requestTimeoutSec * 1000 + 30_000;
    /**
     * Warm-up windows (nothing recorded) of one variant, or of both at once in a duet; under a
     * continuous load they run on too. Returns the seconds their drain took.
     */
    const idleWindows = async (live: Record<VariantName, LiveVariant>, names: readonly VariantName[], round: number, phase: Phase, sec: number): Promise<number> => {
      if (sec <= 0) return 0;
      emitWindow(round, names.length === 1 ? names[0] : 'both', phase, sec);
      const t0 = performance.now();
      const keep = phase === 'warmup' && span !== null;
      await guard.run(Promise.all(names.map((n) => live[n].driver.window(sec * 1000, false, windowTimeout(sec), keep))));
      return Math.max(0, (performance.now() - t0) / 1000 - sec);
    };
    /** This round's windows so far, with their clients' finish times (pairRound matches them). */
    let thisRound: MeasuredWindow[] = [];
    const measure = async (round: number, process: number | undefined, slots: WindowSlot[]) => {
      emitWindow(round, slots.length === 1 ? slots[0].v.name : 'both', 'measure', s.measureSec);
      for (const w of await measuredWindows(slots, { round, seconds: s.measureSec, timeoutMs: windowTimeout(s.measureSec), continuous: span !== null }, guard, exactRounds)) {
        const r = process === undefined ? w.result : { ...w.result, process };
        rounds.push(r);
        thisRound.push({ ...w, result: r });
        ctx.emit({ type: 'round-done', scenario: s.name, result: r });
      }
    };
    /** A fresh pair of processes (world, targets, drivers), warmed up: before round 1, and wherever the next pair begins. */
    const openPair = async (index: number): Promise<ProcessPair> => {
      const p = await ProcessPair.open(plan, guard, salt, index);
      pair = p;
      worlds ??= p.worlds;
      if (index === 1) {
        for (const name of VARIANTS) {
          variantsInfo[name].pid = p.targets[name].pid;
          if (p.targets[name].backend) variantsInfo[name].backend = p.targets[name].backend;
        }
        ctx.emit({ type: 'scenario-ready', scenario: s.name, baseline: p.targets.baseline.target, instrumented: p.targets.instrumented.target, world: p.worlds ? JSON.stringify(p.worlds.baseline.world) : null });
      }
      let settled = 0;
      if (s.design === 'duet') {
        // Both variants at once on their own cores, alternating (duet.ts says why so).
        p.placement = DuetPlacement.for(p.live, plan.coreSwap);
        placement = p.placement;
        await guard.run(p.placement.apply(duetSlots(0)));
        const drainSec = await idleWindows(p.live, VARIANTS, 0, 'initial-warmup', initialWarmupSec(s));
        settled += await settle(p.live, VARIANTS, drainSec);
        continuous = runsContinuously(s.design, drainSec);
        ranContinuously ||= continuous;
      } else {
        for (const name of VARIANTS) {
          const drainSec = await idleWindows(p.live, [name], 0, 'initial-warmup', initialWarmupSec(s));
          settled += await settle(p.live, [name], drainSec);
        }
      }
      settleSec.push(settled);
      return p;
    };
    /**
     * Settling windows (settle.ts) of one variant or both at once; smoke skips them. `drainSec`:
     * how long the initial warm-up's drain took, which decides whether they keep issuing.
     */
    const settle = (live: Record<VariantName, LiveVariant>, names: readonly VariantName[], drainSec: number) =>
      s.profile === 'smoke'
        ? Promise.resolve(0)
        : settleTargets(live, names, guard, {
          announce: () => emitWindow(0, names.length === 1 ? names[0] : 'both', 'initial-warmup', SETTLE_WINDOW_SEC),
          timeoutMs: windowTimeout(SETTLE_WINDOW_SEC),
          keepIssuing: keepsIssuing(drainSec),
        });

    /** A pair's continuous span ends with one drain, and its frames are checked (LoadSpan). */
    const endSpan = async () => {
      const ending = span;
      span = null;
      await ending?.end(guard, exactRounds);
    };

    // Every batch that --until-decided adds runs in fresh pairs (pairOfRound), so the pair is recorded then too.
    const several = s.processes > 1 || ctx.moreRounds !== undefined;
    let current = 0;
    let plans = roundPlans(s, plan.seed);
    for (let i = 0; i < plans.length; i++) {
      const r = plans[i];
      const process = pairOfRound(r.round, s);
      if (process !== current) {
        await endSpan();
        await closePair();
        await openPair(process);
        current = process;
      }
      const { live } = pair!;
      if (r.design === 'duet') {
        const place = pair!.placement!;
        if (continuous && span === null) span = await LoadSpan.begin(VARIANTS.map((n) => live[n]), guard, windowTimeout(s.measureSec));
        span?.include(r.round);
        await guard.run(place.apply(r.slots));
        await idleWindows(live, VARIANTS, r.round, 'warmup', s.warmupSec);
        await guard.run(place.apply(r.slots));
        const swapped = place.swapHalfway(r.slots, s.measureSec * 1000);
        try {
          await measure(r.round, several ? process : undefined, VARIANTS.map((n) => ({ v: live[n], order: 0, core: place.coreOf(n, r.slots) })));
        } finally {
          await swapped();
        }
      } else {
        for (const [position, name] of r.order.entries()) {
          await idleWindows(live, [name], r.round, 'warmup', s.warmupSec);
          await measure(r.round, several ? process : undefined, [{ v: live[name], order: position }]);
        }
      }
      if (pair!.sameRequests) attachMatchedWork(thisRound);
      thisRound = [];
      // Both variants have run this round: a broken world invalidates both, so stop here.
      if (worldErrors().length > 0) break;
      if (i === plans.length - 1 && ctx.moreRounds) {
        const more = ctx.moreRounds(rounds);
        if (more > 0) {
          totalRounds += more;
          plans = roundPlans({ ...s, rounds: totalRounds }, plan.seed);
        }
      }
    }

    await endSpan();
    return finish(concludeScenario(s, { seed: plan.seed, onReference, pairLuck: plan.pairLuck }, rounds, exactRounds));
  } catch (e) {
    // A death or a driver fault mid-run is data (the scenario's error); aborts and bad input rethrow.
    if (!(e instanceof TargetDied) && !(e instanceof DriverFault)) throw e;
    return finish({ verdict: 'inconclusive', comparisons: [], exactness: summarizeExactness(exactRounds), error: (e as Error).message });
  } finally {
    await closePair();
    // Whatever an interrupted start-up left behind (a target still booting when Ctrl-C came).
    await stopAllChildren();
    guard.dispose();
  }
}

