import { createRng } from '../../common/latency.ts';
import { BACKEND_NAMES, type BackendName } from '../../daemon/metrics/types.ts';
import type { ScenarioResult } from '../result/schema.ts';
import { RunAborted } from '../run/guard.ts';
import { PROFILE_SETTINGS, defaultBackends, taskSpec, workloads, type TightProfile, type WorkloadPlan } from './profiles.ts';
import { buildScenarios, type Records, type TaskRecord } from './scenarios.ts';
import { ourCpus } from '../targets/pin.ts';
import { RoundWorker } from './worker-pool.ts';
import { statusCallCensus } from './census.ts';

export interface TightOptions {
  /** Backends to measure; `none` (the baseline) is always added. Default: all (ci profile: none, fast). */
  backends?: readonly BackendName[];
  rounds?: number;
  profile?: TightProfile;
  seed?: number;
  /**
   * 'wall' (default): hrtime around each batch. Measured on the busy 2-core machine, the middle
   * half of the hot path's batches spread +-1% by wall time and +-6% by CPU time (1 us steps, and
   * it counts the JIT's and GC's helper threads); preempted batches are outliers the per-pair
   * median sets aside. 'cpu': the process's CPU time.
   */
  clock?: 'cpu' | 'wall';
  /** Write `<workload>.<backend>.cpuprofile` files here (from the last round's worker, after its timing). */
  cpuProfileDir?: string;
  onEvent?: (e: TightEvent) => void;
  /** Aborted (SIGINT/SIGTERM): the run stops at the next step, its worker is stopped, RunAborted is thrown. */
  signal?: AbortSignal;
}

/** The run loop reports through events; printers listen (it never touches the terminal). */
export type TightEvent =
  | { type: 'start'; profile: TightProfile; rounds: number; backends: BackendName[]; workloads: string[]; seed: number; tasks: number }
  | { type: 'task'; round: number; workload: string; backend: BackendName; nsPerOp: number | null; error?: string; done: number; tasks: number; elapsedMs: number }
  | { type: 'done'; elapsedMs: number };

export const DEFAULT_SEED = 1;

/**
 * bench:tight. R rounds, each a fresh worker process; in it every workload pairs `none` with
 * each other backend (in a seeded random order), alternating batch by batch in that process
 * (paired.ts). Returns one ScenarioResult per workload and backend (`tight/<workload>/<backend>`);
 * the account's parts (`call-*` workloads) ride in the hot-path and record scenarios.
 */
export async function runTight(opts: TightOptions = {}): Promise<ScenarioResult[]> {
  const profile = opts.profile ?? 'default';
  const settings = { ...PROFILE_SETTINGS[profile], ...(opts.rounds !== undefined && { rounds: opts.rounds }) };
  const seed = opts.seed ?? DEFAULT_SEED;
  const backends = withBaseline(opts.backends ?? defaultBackends(profile));
  const measured = backends.filter((b) => b !== 'none');
  const plan = workloads(settings);
  const emit = opts.onEvent ?? (() => {});
  const tasks = settings.rounds * plan.length * measured.length;
  const started = Date.now();
  emit({ type: 'start', profile, rounds: settings.rounds, backends, workloads: plan.map((w) => w.name), seed, tasks });

  const records: Records = Object.fromEntries(plan.map((w) => [w.name, {}]));
  let done = 0;
  // The first lane to fail (a worker that would not start, an abort) stops the others at their next check.
  let failure: { error: unknown } | null = null;
  // Checked between worker requests (a task lasts a fraction of a second), never inside one.
  const checkAborted = () => {
    if (opts.signal?.aborted) throw new RunAborted(String(opts.signal.reason ?? 'SIGINT'));
    if (failure) throw failure.error;
  };
  const runRound = async (round: number, cpu: number | undefined) => {
    const worker = await RoundWorker.start(round, cpu);
    const profileDir = round === settings.rounds - 1 ? opts.cpuProfileDir : undefined;
    try {
      for (const [wi, w] of plan.entries()) {
        const order = shuffled(measured, createRng(seed * 1_000_003 + round * 101 + wi));
        const spec = taskSpec(w, settings, round < settings.heapRounds, opts.clock ?? 'wall');
        for (const [position, backend] of order.entries()) {
          const slot: TaskRecord = { outcome: null, position, ...(worker.cpu !== null && { cpu: worker.cpu }) };
          (records[w.name][backend] ??= [])[round] = slot;
          checkAborted();
          slot.outcome = await worker.task(backend, spec, profileDir).catch((err: Error) => {
            slot.error = firstLine(err);
            return null;
          });
          done += 1;
          emit({
            type: 'task', round, workload: w.name, backend, nsPerOp: slot.outcome?.backend.nsPerOp ?? null,
            ...(slot.error && { error: slot.error }), done, tasks, elapsedMs: Date.now() - started,
          });
        }
      }
    } finally {
      await worker.stop();
    }
  };
  // Each lane runs rounds one after another, its worker pinned to a core of its own (a single lane
  // takes the cores in turn, so that no one core's speed or neighbours make the estimate). Lanes
  // run side by side: a pair's two batches are timed on one core within microseconds of each
  // other, so what the other lane does on the other core is noise common to both, not bias.
  const cpus = ourCpus() ?? [];
  const lanes = Math.max(1, Math.min(settings.workers, cpus.length));
  let next = 0;
  const lane = async (k: number) => {
    try {
      for (let round = next++; round < settings.rounds; round = next++) {
        checkAborted();
        await runRound(round, cpus.length === 0 ? undefined : cpus[(lanes > 1 ? k : round) % cpus.length]);
      }
    } catch (error) {
      failure ??= { error };
    }
  };
  // every lane has stopped its worker before the run returns or throws
  await Promise.all(Array.from({ length: lanes }, (_, k) => lane(k)));
  if (failure) throw (failure as { error: unknown }).error;
  emit({ type: 'done', elapsedMs: Date.now() - started });
  return buildScenarios({ records, workloads: plan, backends, rounds: settings.rounds, profile, seed, census: statusCallCensus() });
}

function firstLine(err: Error): string {
  return err.message.split('\n')[0];
}

function withBaseline(list: readonly BackendName[]): BackendName[] {
  const set = new Set<BackendName>(['none', ...list]);
  return BACKEND_NAMES.filter((b) => set.has(b));
}

/** Fisher-Yates with a seeded generator: the order differs per round and reproduces per seed. */
export function shuffled<T>(xs: readonly T[], rng: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export type { WorkloadPlan };
