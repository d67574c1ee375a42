import { BACKEND_NAMES } from '../../daemon/metrics/types.ts';
import { UsageError } from '../../common/exit-codes.ts';
import type { VariantInfo } from '../result/schema.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import { applyProfile, plannedSeconds, type ResolvedScenario } from '../scenario/profile.ts';
import { worldWritten, type Design, type ProfileName } from '../scenario/schema.ts';
import { variantNeedsWorld } from '../targets/world-env.ts';
import type { WorldMode } from '../targets/compose-world.ts';
import { parseTargetSpec, type TargetSpec } from '../targets/start.ts';
import type { VariantName } from './events.ts';
import { pairLuckFrom, type PairLuck } from './compare-rounds.ts';
import { roundOrders, scenarioSeed } from './seeds.ts';

/** Command-line choices that override what the scenario files say. */
export interface RunOverrides {
  profile?: ProfileName;
  /** METRICS_BACKEND of the instrumented reference daemon. */
  backend?: string;
  baseline?: string;
  instrumented?: string;
  baselinePid?: number;
  instrumentedPid?: number;
  rounds?: number;
  /** --design: how the variants share the machine, over the scenario's own choice. */
  design?: Design;
  /** --core-swap: when a pinned duet swaps cores (harness/run/duet.ts). */
  coreSwap?: CoreSwap;
  /** --processes: pairs of target processes the rounds are spread over (harness/stats/processes.ts). */
  processes?: number;
  /** --world: the fakes started here, or docker-compose.bench.yml's services (default: OVERBENCH_WORLD, else fakes). */
  world?: WorldMode;
  /**
   * --calibration: per scenario name, the luck of one pair of processes that a calibration measured
   * (harness/calibrate/pair-luck.ts), counted in its intervals; over the scenario's own `pairLuck`.
   */
  pairLuck?: ReadonlyMap<string, PairLuck>;
  /** false: no known luck at all, the scenario's own included (a calibration measures it from raw intervals). */
  knownLuck?: boolean;
}

export interface VariantPlan {
  name: VariantName;
  spec: TargetSpec;
  /** Scenario env, then the variant's env (then --backend). */
  env: Record<string, string>;
  info: VariantInfo;
}

export interface ScenarioPlan {
  scenario: ResolvedScenario;
  file: string;
  seed: number;
  variants: Record<VariantName, VariantPlan>;
  /** The fakes start when a variant is the reference daemon, or a spawned target asks for the world (targets/world-env.ts). */
  needsFakes: boolean;
  plannedSec: number;
  coreSwap?: CoreSwap;
  world?: WorldMode;
  /** A pair's known luck: --calibration's, else the scenario's `pairLuck` (knownLuck). */
  pairLuck?: PairLuck;
}

/** The reference daemon's admission limits (daemon env contract) with the values the plan gives it. */
function referenceLimits(env: Record<string, string>): { perIp: number; global: number } {
  return { perIp: Number(env.EXAI_MAX_CONNECTIONS_PER_IP ?? 10), global: Number(env.EXAI_MAX_CONNECTIONS ?? 1000) };
}

function planVariant(s: ResolvedScenario, name: VariantName, o: RunOverrides, problems: string[]): VariantPlan | null {
  const v = s.variants[name];
  const targetText = (name === 'baseline' ? o.baseline : o.instrumented) ?? v.target;
  const pid = (name === 'baseline' ? o.baselinePid : o.instrumentedPid) ?? v.pid;
  let spec: TargetSpec;
  try {
    spec = parseTargetSpec(targetText, pid);
  } catch (e) {
    problems.push(`${name}: ${(e as Error).message}`);
    return null;
  }
  const env: Record<string, string> = { ...s.env, ...v.env };
  if (name === 'instrumented' && o.backend && spec.kind === 'reference') env.METRICS_BACKEND = o.backend;
  if (spec.kind === 'reference') {
    const { perIp, global } = referenceLimits(env);
    const conns = s.clients + s.idleClients;
    // Session resume closes and reopens: keep one spare per-IP slot when clients churn.
    const need = conns + (s.churn ? 1 : 0);
    if (!(need <= perIp)) {
      problems.push(`${name}: ${conns} connections exceed the reference daemon's per-IP limit of ${perIp}; set env.EXAI_MAX_CONNECTIONS_PER_IP >= ${need}`);
    }
    if (!(need <= global)) {
      problems.push(`${name}: ${conns} connections exceed the reference daemon's limit of ${global}; set env.EXAI_MAX_CONNECTIONS >= ${need}`);
    }
  }
  const target = spec.kind === 'reference' ? 'reference' : spec.kind === 'spawn' ? `spawn:${spec.command}` : `url:${spec.url}`;
  const info: VariantInfo = { target, env };
  if (spec.kind === 'url' && spec.pid !== undefined) info.pid = spec.pid;
  if (spec.kind === 'reference') info.backend = env.METRICS_BACKEND ?? 'none';
  return { name, spec, env, info };
}

/**
 * Everything that can be checked before a process starts: profiles, overrides, targets, limits.
 * All problems of all scenarios are thrown together, each prefixed with its file and scenario.
 */
export function planScenarios(loaded: readonly LoadedScenario[], o: RunOverrides, runSeed: number): ScenarioPlan[] {
  const problems: string[] = [];
  if (o.backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(o.backend)) {
    problems.push(`--backend "${o.backend}": expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  const plans: ScenarioPlan[] = [];
  for (const { scenario, file } of loaded) {
    const resolved = applyProfile(scenario, o.profile);
    if (o.rounds !== undefined) resolved.rounds = o.rounds;
    if (o.design !== undefined) resolved.design = o.design;
    if (o.processes !== undefined) resolved.processes = o.processes;
    // Fewer rounds asked for than the scenario's own pairs: fewer pairs (an explicit --processes still refuses).
    else if (o.rounds !== undefined) resolved.processes = Math.min(resolved.processes, o.rounds);
    const own: string[] = [];
    if (resolved.processes > resolved.rounds) own.push(`processes (${resolved.processes}) exceeds rounds (${resolved.rounds}): every pair of processes needs a round`);
    const baseline = planVariant(resolved, 'baseline', o, own);
    const instrumented = planVariant(resolved, 'instrumented', o, own);
    problems.push(...own.map((p) => `${file} (${scenario.name}): ${p}`));
    if (!baseline || !instrumented) continue;
    plans.push({
      scenario: resolved,
      file,
      seed: scenarioSeed(runSeed, scenario.name),
      variants: { baseline, instrumented },
      needsFakes: [baseline, instrumented].some((v) => variantNeedsWorld(v, worldWritten(scenario))),
      plannedSec: plannedSeconds(resolved),
      ...(o.coreSwap && { coreSwap: o.coreSwap }),
      ...(o.world && { world: o.world }),
      ...knownLuck(resolved, o),
    });
  }
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return plans;
}


/**
 * The pair luck a scenario's intervals count: a --calibration file's entry for it, else the
 * figure its own calibration measured (`pairLuck` in the scenario); none when the run measures it
 * (`knownLuck: false`, calibrate).
 */
function knownLuck(s: ResolvedScenario, o: RunOverrides): { pairLuck?: PairLuck } {
  if (o.knownLuck === false) return {};
  const fromFile = o.pairLuck?.get(s.name);
  if (fromFile) return { pairLuck: fromFile };
  const own = pairLuckFrom(s.pairLuck, "the scenario's pairLuck");
  return own ? { pairLuck: own } : {};
}

/** One of the two cores a duet pins to (the machine's CPU numbers come later: harness/targets/pin.ts). */
export type CoreSlot = 0 | 1;

/**
 * When a duet swaps its variants' cores: every few milliseconds (`rapid`, the default, with cpuset
 * groups; falls back to `mid-window` without them), halfway through each measured window and at
 * every round (`mid-window`, taskset), or at the start of every round only (`round`).
 */
export const CORE_SWAPS = ['rapid', 'mid-window', 'round'] as const;
export type CoreSwap = (typeof CORE_SWAPS)[number];

/** What one round runs: the variants one after the other in an order, or both at once on swapped cores. */
export type RoundPlan =
  | { round: number; design: 'interleaved'; order: readonly VariantName[] }
  | { round: number; design: 'duet'; slots: Record<VariantName, CoreSlot> };

/**
 * A duet's placement in round `round`: the baseline on core slot 0 in even rounds and on slot 1
 * in odd ones, the instrumented variant on the other, so a core's own speed cancels over rounds.
 * Round 0 is the initial warm-up.
 */
export function duetSlots(round: number): Record<VariantName, CoreSlot> {
  return round % 2 === 0 ? { baseline: 0, instrumented: 1 } : { baseline: 1, instrumented: 0 };
}

/** Rounds 1..R of a scenario: interleaved in a seeded order, or a duet with the cores swapped each round. */
export function roundPlans(s: Pick<ResolvedScenario, 'design' | 'rounds'>, seed: number): RoundPlan[] {
  if (s.design === 'duet') return Array.from({ length: s.rounds }, (_, i) => ({ round: i + 1, design: 'duet', slots: duetSlots(i + 1) }));
  return roundOrders(seed, s.rounds).map((order, i) => ({ round: i + 1, design: 'interleaved', order }));
}

/**
 * Rounds 1..R spread over P pairs of processes in contiguous blocks, as even as they go (the first
 * pairs get the shorter blocks): the 1-based pair of each round.
 */
export function processOfRound(round: number, rounds: number, processes: number): number {
  if (!(Number.isInteger(round) && round >= 1 && round <= rounds)) throw new Error(`processOfRound: round ${round} of ${rounds}`);
  const p = Math.min(Math.max(1, processes), rounds);
  return Math.ceil((round * p) / rounds);
}

/**
 * The pair of processes of a round when sequential batches add rounds: each batch of `rounds` (the
 * planned one, then every added one) spreads over `processes` fresh pairs of its own.
 */
export function pairOfRound(round: number, s: Pick<ResolvedScenario, 'rounds' | 'processes'>): number {
  const batch = Math.floor((round - 1) / s.rounds);
  return batch * s.processes + processOfRound(round - batch * s.rounds, s.rounds, s.processes);
}
