import { duetCpus, findTaskset, ourCpus, pinTrees, type Pinning } from '../targets/pin.ts';
import type { VariantName } from './events.ts';
import type { LiveVariant } from './measured-window.ts';
import type { CoreSlot, CoreSwap } from './plan.ts';
import { VARIANTS } from './start-variants.ts';

/**
 * Where a duet's processes run. Each variant's target tree AND its driver are pinned to the same
 * core, the other variant's to the other core: on a 2-core machine the two drivers have to share
 * the cores with the two daemons, and this way each variant's load generation competes only with
 * its own target, the same for both variants (a driver on the other variant's core would make one
 * variant's load slow down the other's daemon). The cost: a target shares its core with its
 * driver, so a driver near a full core starves its own target; the rule that a round whose driver
 * used more than 90% of a core is invalid stays (window-result.ts). The fakes (the shared world)
 * and this harness stay unpinned and float over both cores.
 *
 * Pinning needs taskset, two CPUs this process may use, and a pid for both targets (a `url:`
 * target without one cannot be pinned: then neither is, nor any driver, to stay symmetric). When
 * taskset fails on a live process mid-run, everything goes back to all of our CPUs and the rest
 * runs unpinned: `pinning` becomes 'none' (rounds that were pinned still say their `core`).
 */
export class DuetPlacement {
  private constructor(
    private readonly live: Record<VariantName, LiveVariant>,
    private readonly cpus: [number, number] | null,
    private readonly bin: string | undefined,
    readonly coreSwap: CoreSwap,
    private failed = false,
  ) {}

  static for(live: Record<VariantName, LiveVariant>, coreSwap: CoreSwap = 'mid-window'): DuetPlacement {
    const bin = findTaskset();
    const cpus = duetCpus();
    const pinnable = bin !== undefined && cpus !== null && VARIANTS.every((n) => live[n].target.pid !== null);
    return new DuetPlacement(live, pinnable ? cpus : null, bin, coreSwap);
  }

  get pinning(): Pinning {
    return this.cpus !== null && !this.failed ? 'taskset' : 'none';
  }

  /** The CPU each variant is pinned to under `slots`, while pinning holds. */
  coreOf(name: VariantName, slots: Record<VariantName, CoreSlot>): number | undefined {
    return this.pinning === 'taskset' ? this.cpus![slots[name]] : undefined;
  }

  /**
   * Swap the two variants' cores halfway through a measured window of `windowMs` (`coreSwap:
   * 'mid-window'`): each variant then runs half of every window on each core, so a core that is
   * slower for a while (its SMT sibling busy, a neighbour's burst, steal time) slows both variants
   * alike within the window, instead of one variant for the whole window and the other in the
   * next round. On the 2-core build machine under load, the spread of A/A CPU per request per
   * window roughly halved (README, "Less noise, by design"). The returned function waits for the
   * swap to land, or cancels it when the window ended first; call it before the next `apply`.
   */
  swapHalfway(slots: Record<VariantName, CoreSlot>, windowMs: number): () => Promise<void> {
    if (this.pinning !== 'taskset' || this.coreSwap !== 'mid-window') return async () => {};
    let pending: Promise<void> | null = null;
    const timer = setTimeout(() => {
      pending = this.apply({ baseline: slots.instrumented, instrumented: slots.baseline });
    }, windowMs / 2);
    return async () => {
      clearTimeout(timer);
      await pending;
    };
  }

  /**
   * Pin each variant's target tree and driver to its slot's core. Called at the start of every
   * window of a round: re-applying reaches threads and children that appeared since.
   */
  async apply(slots: Record<VariantName, CoreSlot>): Promise<void> {
    if (this.pinning !== 'taskset') return;
    const roots = (n: VariantName) => [this.live[n].target.pid!, this.live[n].driver.pid];
    const ok = await Promise.all(VARIANTS.map((n) => pinTrees(roots(n), [this.cpus![slots[n]]], this.bin)));
    if (ok.every(Boolean)) return;
    this.failed = true;
    const all = ourCpus() ?? this.cpus!;
    await Promise.all(VARIANTS.map((n) => pinTrees(roots(n), all, this.bin)));
  }
}
