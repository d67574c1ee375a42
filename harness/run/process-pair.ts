import path from 'node:path';
import { startWorlds, type Worlds } from '../targets/fakes-process.ts';
import { layoutSeed } from '../targets/reference-daemon-argv.ts';
import type { RunningTarget } from '../targets/types.ts';
import { DriverProcess } from '../driver/process.ts';
import type { VariantName } from './events.ts';
import type { Guard } from './guard.ts';
import type { DuetPlacement } from './duet.ts';
import { exactnessApplies, type LiveVariant } from './measured-window.ts';
import type { ScenarioPlan } from './plan.ts';
import { startDrivers, startTargets, VARIANTS } from './start-variants.ts';

/**
 * One pair of target processes with everything they use: the world (fakes, when a variant is the
 * reference daemon: one per variant where it is cheap, see startWorlds), both targets and one
 * driver per target. A scenario runs one pair for all its rounds, or several in turn
 * (`processes`). Every process it starts is watched by the guard, so a death mid-run ends the
 * scenario, and stopped by `close`, whatever state the opening reached.
 */
export class ProcessPair {
  /** Set by the scenario once the pair is placed on cores (duet design). */
  placement: DuetPlacement | null = null;

  private constructor(
    readonly drivers: Record<VariantName, DriverProcess>,
    readonly worlds: Worlds | null,
    readonly targets: Record<VariantName, RunningTarget>,
    readonly live: Record<VariantName, LiveVariant>,
    private readonly started: RunningTarget[],
    /** Both drivers send the very same requests (each variant has a world of its own, one salt). */
    readonly sameRequests: boolean,
  ) {}

  /**
   * Start pair number `pair` (1-based). `salt`: given to both drivers when each variant has a
   * world of its own, so both send the very same requests (common random numbers).
   */
  static async open(plan: ScenarioPlan, guard: Guard, salt: string, pair: number): Promise<ProcessPair> {
    const s = plan.scenario;
    const started: RunningTarget[] = [];
    let worlds: Worlds | null = null;
    // Forked first: their start-up (module loading) overlaps the fakes' and the targets'.
    const drivers = { baseline: DriverProcess.fork('baseline'), instrumented: DriverProcess.fork('instrumented') };
    const stopAll = () => stop(drivers, started, worlds);
    try {
      for (const name of VARIANTS) guard.watch(drivers[name].died);
      if (plan.needsFakes) {
        worlds = await guard.run(startWorlds(s.world, plan.seed, { baseDir: path.dirname(path.resolve(plan.file)), mode: plan.world }));
        for (const w of worlds.distinct) guard.watch(w.died);
      }
      // One V8 seed for both reference daemons of the pair, a new one per pair (reference-daemon-argv.ts).
      const targets = await guard.run(startTargets(plan, worlds, started, layoutSeed(plan.seed, pair)));
      for (const name of VARIANTS) guard.watch(targets[name].died);
      const paired = worlds?.baseline.world.paired === true;
      await guard.run(startDrivers(plan, targets, drivers, paired ? salt : undefined));
      // Both at once: a cluster's check waits for its aggregate view to settle (~2 s each).
      const exact = await Promise.all(VARIANTS.map((name) => exactnessApplies(targets[name])));
      const live = {} as Record<VariantName, LiveVariant>;
      for (const [i, name] of VARIANTS.entries()) {
        live[name] = { name, target: targets[name], driver: drivers[name], checkExactness: exact[i] };
      }
      return new ProcessPair(drivers, worlds, targets, live, started, paired);
    } catch (e) {
      await stopAll();
      throw e;
    }
  }

  /** Stop the pair: placement first, then drivers (they close their connections), targets, world. */
  async close(): Promise<void> {
    this.placement?.close();
    await stop(this.drivers, this.started, this.worlds);
  }
}

async function stop(drivers: Record<VariantName, DriverProcess>, targets: readonly RunningTarget[], worlds: Worlds | null): Promise<void> {
  await Promise.all(VARIANTS.map((n) => drivers[n].stop().catch(() => undefined)));
  await Promise.all(targets.map((t) => t.stop().catch(() => undefined)));
  await Promise.all((worlds?.distinct ?? []).map((w) => w.stop().catch(() => undefined)));
}
