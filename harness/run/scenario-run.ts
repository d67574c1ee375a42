import path from 'node:path';
import type { Result, WindowResult, ScenarioResult } from '../result/schema.ts';
import { initialWarmupSec } from '../scenario/profile.ts';
import { stopAllChildren } from '../targets/children.ts';
import { startFakes, type RunningFakes } from '../targets/fakes-process.ts';
import type { RunningTarget } from '../targets/types.ts';
import { DriverFault, DriverProcess } from '../driver/process.ts';
import type { Phase, RunListener, VariantName } from './events.ts';
import { summarizeExactness, type ExactnessRound } from './exactness.ts';
import { Guard, TargetDied } from './guard.ts';
import { exactnessApplies, measuredWindow, type LiveVariant } from './measured-window.ts';
import type { ScenarioPlan } from './plan.ts';
import { roundOrders } from './seeds.ts';
import { startDrivers, startTargets, VARIANTS } from './start-variants.ts';
import { uninjectedWorldErrors } from './world-errors.ts';
import { concludeScenario, type Conclusion } from './conclude.ts';

type WorldInfo = NonNullable<Result['env']['world']>;

export interface ScenarioOutcome {
  result: ScenarioResult;
  world: WorldInfo | null;
}

/**
 * One scenario end to end: fakes (if a variant is the reference daemon), both targets started
 * once, one driver per target, a long warm-up each, then R rounds of both variants in a seeded
 * order, each a warm-up window and a measured window. Everything it started is stopped in
 * `finally`, whatever happened. A death mid-run becomes the scenario's `error`; an abort rethrows.
 * So does a broken world: once a round shows errors the world did not inject (README, "How a
 * verdict is reached"), the scenario stops there with no verdict.
 */
export async function runScenario(
  plan: ScenarioPlan,
  position: { index: number; count: number },
  ctx: { signal: AbortSignal; emit: RunListener },
): Promise<ScenarioOutcome> {
  const s = plan.scenario;
  const guard = new Guard(ctx.signal);
  const started: RunningTarget[] = [];
  const rounds: WindowResult[] = [];
  const exactRounds: ExactnessRound[] = [];
  let fakes: RunningFakes | null = null;
  const live = {} as Record<VariantName, LiveVariant>;
  const variantsInfo = { baseline: { ...plan.variants.baseline.info }, instrumented: { ...plan.variants.instrumented.info } };
  const emitWindow = (round: number, variant: VariantName, phase: Phase, durationSec: number) =>
    ctx.emit({ type: 'window-start', scenario: s.name, round, rounds: s.rounds, variant, phase, durationSec });
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
      ...(end.error !== undefined && { error: end.error }),
    };
    ctx.emit({ type: 'scenario-end', result });
    return { result, world: fakes?.world ?? null };
  };

  ctx.emit({ type: 'scenario-start', scenario: s.name, index: position.index, count: position.count, plannedSec: plan.plannedSec });
  // Forked first: their start-up (module loading) overlaps the fakes' and the targets'.
  const drivers = { baseline: DriverProcess.fork('baseline'), instrumented: DriverProcess.fork('instrumented') };
  for (const name of VARIANTS) guard.watch(drivers[name].died);
  try {
    if (plan.needsFakes) {
      fakes = await guard.run(startFakes(s.world, plan.seed, { baseDir: path.dirname(path.resolve(plan.file)) }));
      guard.watch(fakes.died);
    }
    const targets = await guard.run(startTargets(plan, fakes, started));
    for (const name of VARIANTS) {
      guard.watch(targets[name].died);
      variantsInfo[name].pid = targets[name].pid;
      if (targets[name].backend) variantsInfo[name].backend = targets[name].backend;
    }
    await guard.run(startDrivers(plan, targets, drivers));
    for (const name of VARIANTS) {
      live[name] = { name, target: targets[name], driver: drivers[name], checkExactness: await exactnessApplies(targets[name]) };
    }
    ctx.emit({ type: 'scenario-ready', scenario: s.name, baseline: targets.baseline.target, instrumented: targets.instrumented.target, world: fakes ? JSON.stringify(fakes.world) : null });

    const windowTimeout = (sec: number) => sec * 1000 + s.requestTimeoutSec * 1000 + 30_000;
    const idleWindow = async (v: LiveVariant, round: number, phase: Phase, sec: number) => {
      if (sec <= 0) return;
      emitWindow(round, v.name, phase, sec);
      await guard.run(v.driver.window(sec * 1000, false, windowTimeout(sec)));
    };

    for (const name of VARIANTS) await idleWindow(live[name], 0, 'initial-warmup', initialWarmupSec(s));

    const orders = roundOrders(plan.seed, s.rounds);
    const onReference = VARIANTS.filter((name) => plan.variants[name].spec.kind === 'reference');
    const worldErrors = () => uninjectedWorldErrors(rounds, s.world, onReference);
    for (let round = 1; round <= s.rounds; round++) {
      const order = orders[round - 1];
      for (let position = 0; position < order.length; position++) {
        const v = live[order[position]];
        await idleWindow(v, round, 'warmup', s.warmupSec);
        emitWindow(round, v.name, 'measure', s.measureSec);
        const result = await measuredWindow(v, { round, order: position, seconds: s.measureSec, timeoutMs: windowTimeout(s.measureSec) }, guard, exactRounds);
        rounds.push(result);
        ctx.emit({ type: 'round-done', scenario: s.name, result });
      }
      // Both variants have run this round: a broken world invalidates both, so stop here.
      if (worldErrors().length > 0) break;
    }

    return finish(concludeScenario(s, { seed: plan.seed, onReference }, rounds, exactRounds));
  } catch (e) {
    // A death or a driver fault mid-run is data (the scenario's error); aborts and bad input rethrow.
    if (!(e instanceof TargetDied) && !(e instanceof DriverFault)) throw e;
    return finish({ verdict: 'inconclusive', comparisons: [], exactness: summarizeExactness(exactRounds), error: (e as Error).message });
  } finally {
    // Drivers first (they close their connections), then the targets, then the fakes they use.
    await Promise.all(VARIANTS.map((n) => drivers[n].stop().catch(() => undefined)));
    await Promise.all(started.map((t) => t.stop().catch(() => undefined)));
    await fakes?.stop().catch(() => undefined);
    // Whatever an interrupted start-up left behind (a target still booting when Ctrl-C came).
    await stopAllChildren();
  }
}

