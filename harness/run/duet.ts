import { CpusetGroup, cpusetHierarchy, removeStaleGroups } from '../targets/cpuset.ts';
import { duetCpus, findTaskset, ourCpus, pinTrees, type Pinning } from '../targets/pin.ts';
import type { VariantName } from './events.ts';
import type { LiveVariant } from './measured-window.ts';
import type { CoreSlot, CoreSwap } from './plan.ts';
import { VARIANTS } from './start-variants.ts';

/**
 * How often a `rapid` duet alternates its variants' cores. The two vCPUs of the build machine
 * change speed independently, by 20-50% within a quarter of a second (a fixed CPU-bound loop's
 * CPU time per chunk, pinned to each): a variant that stays on one core for a window carries that
 * core's luck. Alternating every 20 ms gives both variants the same mix of both cores: the A/A
 * spread of that loop per 250 ms fell from 26% to 6%, and of hot-path-open's CPU per request per
 * window from ~10% to ~2.5% (README, "How a verdict is reached").
 */
export const RAPID_SWAP_MS = 20;

/**
 * Where a duet's processes run. Each variant's target tree AND its driver share a core, the other
 * variant's the other core: on a 2-core machine the two drivers have to share the cores with the
 * two daemons, and this way each variant's load generation competes only with its own target, the
 * same for both variants. The cost: a target shares its core with its driver, so a driver near a
 * full core starves its own target; a round whose driver used more than 90% of a core is invalid
 * (window-result.ts). The fakes (a world per variant, or one shared) and this harness float over
 * both cores: placing each variant's world with it made no measurable difference (A/A, 2026-11-30).
 *
 * Three placements, best first:
 * - `cpuset` (coreSwap `rapid`): each variant in its own cpuset group, the groups' cores swapped
 *   every RAPID_SWAP_MS from the start of each window (phase alternating by round, so neither
 *   variant gets the odd period twice). Needs a writable cpuset hierarchy (harness/targets/cpuset.ts).
 * - `taskset`: each tree pinned with taskset at every window, swapped every round and, with
 *   `mid-window`, halfway through each measured window. `rapid` falls back to this (as `mid-window`).
 * - `none`: no taskset, fewer than two CPUs, or a target without a pid (a `url:` target cannot be
 *   placed, and then neither is the other, to stay symmetric).
 * When placing fails on a live process mid-run, everything goes back to all of our CPUs and the
 * rest runs unplaced: `pinning` becomes 'none'.
 */
export class DuetPlacement {
  private failed = false;
  private alternation: NodeJS.Timeout | null = null;

  private constructor(
    private readonly live: Record<VariantName, LiveVariant>,
    private readonly cpus: [number, number] | null,
    private readonly bin: string | undefined,
    private readonly groups: Record<VariantName, CpusetGroup> | null,
    readonly coreSwap: CoreSwap,
  ) {}

  static for(live: Record<VariantName, LiveVariant>, coreSwap: CoreSwap = 'rapid'): DuetPlacement {
    const cpus = duetCpus();
    const placeable = cpus !== null && VARIANTS.every((n) => live[n].target.pid !== null);
    const groups = placeable && coreSwap === 'rapid' ? cpusetGroups(cpus) : null;
    if (groups) return new DuetPlacement(live, cpus, undefined, groups, 'rapid');
    const bin = findTaskset();
    const swap = coreSwap === 'rapid' ? 'mid-window' : coreSwap;
    return new DuetPlacement(live, placeable && bin !== undefined ? cpus : null, bin, null, swap);
  }

  get pinning(): Pinning {
    if (this.cpus === null || this.failed) return 'none';
    return this.groups ? 'cpuset' : 'taskset';
  }

  /** The CPU each variant is pinned to under `slots`, while pinning holds; none while alternating. */
  coreOf(name: VariantName, slots: Record<VariantName, CoreSlot>): number | undefined {
    return this.pinning === 'taskset' ? this.cpus![slots[name]] : undefined;
  }

  /**
   * Swap the two variants' cores halfway through a measured window of `windowMs` (taskset with
   * `coreSwap: 'mid-window'`): each variant runs half of every window on each core. The returned
   * function waits for the swap to land, or cancels it when the window ended first; call it before
   * the next `apply`.
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
   * Place each variant's target tree and driver on its slot's core. Called at the start of every
   * window of a round: re-applying reaches threads and children that appeared since, and restarts
   * a `rapid` alternation in the round's phase.
   */
  async apply(slots: Record<VariantName, CoreSlot>): Promise<void> {
    if (this.pinning === 'none') return;
    const roots = (n: VariantName) => [this.live[n].target.pid!, this.live[n].driver.pid];
    if (this.groups) {
      this.stopAlternation();
      if (VARIANTS.every((n) => this.groups![n].adopt(roots(n)))) return this.alternate(slots);
    } else {
      const ok = await Promise.all(VARIANTS.map((n) => pinTrees(roots(n), [this.cpus![slots[n]]], this.bin)));
      if (ok.every(Boolean)) return;
    }
    await this.giveUp();
  }

  /** Stop alternating and hand every process back: call once the duet's processes are stopping. */
  close(): void {
    this.stopAlternation();
    if (this.groups) for (const n of VARIANTS) this.groups[n].remove();
  }

  private alternate(slots: Record<VariantName, CoreSlot>): void {
    let flip = 0;
    // Between the two writes both variants share a core: who moves first alternates with the
    // flip, or one variant would always be the one arriving on an occupied core.
    const place = () => {
      for (const n of flip ? [...VARIANTS].reverse() : VARIANTS) this.groups![n].setCpu(this.cpus![(slots[n] + flip) % 2]);
    };
    place();
    this.alternation = setInterval(() => {
      flip ^= 1;
      try {
        place();
      } catch {
        // A group the kernel no longer takes writes for: stop alternating rather than crash the run.
        this.stopAlternation();
      }
    }, RAPID_SWAP_MS);
  }

  private stopAlternation(): void {
    if (this.alternation) clearInterval(this.alternation);
    this.alternation = null;
  }

  /** Back to all of our CPUs: out of the cpuset groups (the parent's CPUs come with it), or unpinned with taskset. */
  private async giveUp(): Promise<void> {
    this.failed = true;
    if (this.groups) return this.close();
    const all = ourCpus() ?? this.cpus!;
    await Promise.all(VARIANTS.map((n) => pinTrees([this.live[n].target.pid!, this.live[n].driver.pid], all, this.bin)));
  }
}

/** Two cpuset groups on the duet's CPUs, or null where cpusets cannot be made here. */
function cpusetGroups(cpus: [number, number]): Record<VariantName, CpusetGroup> | null {
  const parent = cpusetHierarchy();
  if (parent === null) return null;
  removeStaleGroups(parent);
  const baseline = CpusetGroup.create(parent, 'baseline', cpus[0]);
  const instrumented = baseline && CpusetGroup.create(parent, 'instrumented', cpus[1]);
  if (!baseline || !instrumented) {
    baseline?.remove();
    return null;
  }
  return { baseline, instrumented };
}
