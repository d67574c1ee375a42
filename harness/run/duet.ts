import { duetCpus, findTaskset, ourCpus, pinTrees, type Pinning } from '../targets/pin.ts';
import type { VariantName } from './events.ts';
import type { LiveVariant } from './measured-window.ts';
import type { CoreSlot } from './plan.ts';
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
    private failed = false,
  ) {}

  static for(live: Record<VariantName, LiveVariant>): DuetPlacement {
    const bin = findTaskset();
    const cpus = duetCpus();
    const pinnable = bin !== undefined && cpus !== null && VARIANTS.every((n) => live[n].target.pid !== null);
    return new DuetPlacement(live, pinnable ? cpus : null, bin);
  }

  get pinning(): Pinning {
    return this.cpus !== null && !this.failed ? 'taskset' : 'none';
  }

  /** The CPU each variant is pinned to under `slots`, while pinning holds. */
  coreOf(name: VariantName, slots: Record<VariantName, CoreSlot>): number | undefined {
    return this.pinning === 'taskset' ? this.cpus![slots[name]] : undefined;
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
