import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Result, WindowResult, ScenarioResult } from '../result/schema.ts';
import { initialWarmupSec } from '../scenario/profile.ts';
import { stopAllChildren } from '../targets/children.ts';
import { startWorlds, type Worlds } from '../targets/fakes-process.ts';
import type { RunningTarget } from '../targets/types.ts';
import { DriverFault, DriverProcess } from '../driver/process.ts';
import type { Phase, RunListener, VariantName } from './events.ts';
import { summarizeExactness, type ExactnessRound } from './exactness.ts';
import { Guard, TargetDied } from './guard.ts';
import { DuetPlacement } from './duet.ts';
import { exactnessApplies, measuredWindows, type LiveVariant, type WindowSlot } from './measured-window.ts';
import { duetSlots, roundPlans, type ScenarioPlan } from './plan.ts';
import { startDrivers, startTargets, VARIANTS } from './start-variants.ts';
import { uninjectedWorldErrors } from './world-errors.ts';
import { concludeScenario, type Conclusion } from './conclude.ts';

type WorldInfo = NonNullable<Result['env']['world']>;

export interface ScenarioOutcome {
  result: ScenarioResult;
  world: WorldInfo | null;
}

/**
 * One scenario end to end: fakes (if a variant is the reference daemon: a world per variant where
 * it is cheap, see startWorlds), both targets started
 * once, one driver per target, a long warm-up each, then R rounds of both variants, each a
 * warm-up window and a measured window: one variant after the other in a seeded order
 * (`design: 'interleaved'`), or both at once on their own cores, swapped every round (`'duet'`).
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
     * added batch; targets and drivers stay up throughout.
     */
    moreRounds?: (rounds: readonly WindowResult[]) => number;
  },
): Promise<ScenarioOutcome> {
  const s = plan.scenario;
  const guard = new Guard(ctx.signal);
  const started: RunningTarget[] = [];
  const rounds: WindowResult[] = [];
  const exactRounds: ExactnessRound[] = [];
  let worlds: Worlds | null = null;
  let placement: DuetPlacement | null = null;
  const live = {} as Record<VariantName, LiveVariant>;
  const variantsInfo = { baseline: { ...plan.variants.baseline.info }, instrumented: { ...plan.variants.instrumented.info } };
  let totalRounds = s.rounds;
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
      ...(placement && { pinning: placement.pinning }),
      ...(placement && placement.pinning !== 'none' && { coreSwap: placement.coreSwap }),
      ...(end.error !== undefined && { error: end.error }),
    };
    ctx.emit({ type: 'scenario-end', result });
    return { result, world: worlds?.baseline.world ?? null };
  };

  ctx.emit({ type: 'scenario-start', scenario: s.name, index: position.index, count: position.count, plannedSec: plan.plannedSec });
  // Forked first: their start-up (module loading) overlaps the fakes' and the targets'.
  const drivers = { baseline: DriverProcess.fork('baseline'), instrumented: DriverProcess.fork('instrumented') };
  for (const name of VARIANTS) guard.watch(drivers[name].died);
  try {
    if (plan.needsFakes) {
      worlds = await guard.run(startWorlds(s.world, plan.seed, { baseDir: path.dirname(path.resolve(plan.file)), mode: plan.world }));
      for (const w of worlds.distinct) guard.watch(w.died);
    }
    const targets = await guard.run(startTargets(plan, worlds, started));
    for (const name of VARIANTS) {
      guard.watch(targets[name].died);
      variantsInfo[name].pid = targets[name].pid;
      if (targets[name].backend) variantsInfo[name].backend = targets[name].backend;
    }
    // Paired worlds (startWorlds): one salt, so both variants send the same requests; a fresh one per run.
    const paired = worlds?.baseline.world.paired === true;
    await guard.run(startDrivers(plan, targets, drivers, paired ? `${s.name}.${randomBytes(4).toString('hex')}` : undefined));
    for (const name of VARIANTS) {
      live[name] = { name, target: targets[name], driver: drivers[name], checkExactness: await exactnessApplies(targets[name]) };
    }
    ctx.emit({ type: 'scenario-ready', scenario: s.name, baseline: targets.baseline.target, instrumented: targets.instrumented.target, world: worlds ? JSON.stringify(worlds.baseline.world) : null });

    const windowTimeout = (sec: number) => sec * 1000 + s.requestTimeoutSec * 1000 + 30_000;
    /** Warm-up windows (nothing recorded) of one variant, or of both at once in a duet. */
    const idleWindows = async (names: readonly VariantName[], round: number, phase: Phase, sec: number) => {
      if (sec <= 0) return;
      emitWindow(round, names.length === 1 ? names[0] : 'both', phase, sec);
      await guard.run(Promise.all(names.map((n) => live[n].driver.window(sec * 1000, false, windowTimeout(sec)))));
    };
    const onReference = VARIANTS.filter((name) => plan.variants[name].spec.kind === 'reference');
    const worldErrors = () => uninjectedWorldErrors(rounds, s.world, onReference);
    const measure = async (round: number, slots: WindowSlot[]) => {
      emitWindow(round, slots.length === 1 ? slots[0].v.name : 'both', 'measure', s.measureSec);
      for (const result of await measuredWindows(slots, { round, seconds: s.measureSec, timeoutMs: windowTimeout(s.measureSec) }, guard, exactRounds)) {
        rounds.push(result);
        ctx.emit({ type: 'round-done', scenario: s.name, result });
      }
    };

    if (s.design === 'duet') {
      // Both variants at once on their own cores, alternating (duet.ts says why so).
      placement = DuetPlacement.for(live, plan.coreSwap);
      await guard.run(placement.apply(duetSlots(0)));
      await idleWindows(VARIANTS, 0, 'initial-warmup', initialWarmupSec(s));
    } else {
      for (const name of VARIANTS) await idleWindows([name], 0, 'initial-warmup', initialWarmupSec(s));
    }
    let plans = roundPlans(s, plan.seed);
    for (let i = 0; i < plans.length; i++) {
      const r = plans[i];
      if (r.design === 'duet') {
        await guard.run(placement!.apply(r.slots));
        await idleWindows(VARIANTS, r.round, 'warmup', s.warmupSec);
        await guard.run(placement!.apply(r.slots));
        const swapped = placement!.swapHalfway(r.slots, s.measureSec * 1000);
        try {
          await measure(r.round, VARIANTS.map((n) => ({ v: live[n], order: 0, core: placement!.coreOf(n, r.slots) })));
        } finally {
          await swapped();
        }
      } else {
        for (const [position, name] of r.order.entries()) {
          await idleWindows([name], r.round, 'warmup', s.warmupSec);
          await measure(r.round, [{ v: live[name], order: position }]);
        }
      }
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

    return finish(concludeScenario(s, { seed: plan.seed, onReference }, rounds, exactRounds));
  } catch (e) {
    // A death or a driver fault mid-run is data (the scenario's error); aborts and bad input rethrow.
    if (!(e instanceof TargetDied) && !(e instanceof DriverFault)) throw e;
    return finish({ verdict: 'inconclusive', comparisons: [], exactness: summarizeExactness(exactRounds), error: (e as Error).message });
  } finally {
    placement?.close();
    // Drivers first (they close their connections), then the targets, then the fakes they use.
    await Promise.all(VARIANTS.map((n) => drivers[n].stop().catch(() => undefined)));
    await Promise.all(started.map((t) => t.stop().catch(() => undefined)));
    await Promise.all((worlds?.distinct ?? []).map((w) => w.stop().catch(() => undefined)));
    // Whatever an interrupted start-up left behind (a target still booting when Ctrl-C came).
    await stopAllChildren();
    guard.dispose();
  }
}

