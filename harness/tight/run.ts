import { createRng } from '../../common/latency.ts';
import { BACKEND_NAMES, type BackendName } from '../../daemon/metrics/types.ts';
import type { ScenarioResult } from '../result/schema.ts';
import { RunAborted } from '../run/guard.ts';
import { PROFILE_SETTINGS, defaultBackends, taskSpec, workloads, type TightProfile, type WorkloadPlan } from './profiles.ts';
import { buildScenarios, type Records, type TaskRecord } from './scenarios.ts';
import { WorkerPool } from './worker-pool.ts';

export interface TightOptions {
  /** Backends to measure; `none` (the baseline) is always added. Default: all (ci profile: none, fast). */
  backends?: readonly BackendName[];
  rounds?: number;
  profile?: TightProfile;
  seed?: number;
  /** 'cpu' (default): time by the process's CPU time, robust on a shared machine; 'wall': performance.now. */
  clock?: 'cpu' | 'wall';
  onEvent?: (e: TightEvent) => void;
  /** Aborted (SIGINT/SIGTERM): the run stops at the next step, its workers are stopped, RunAborted is thrown. */
  signal?: AbortSignal;
}

/** The run loop reports through events; printers listen (it never touches the terminal). */
export type TightEvent =
  | { type: 'start'; profile: TightProfile; rounds: number; backends: BackendName[]; workloads: string[]; seed: number; tasks: number }
  | { type: 'task'; round: number; workload: string; backend: BackendName; nsPerOp: number | null; error?: string; done: number; tasks: number; elapsedMs: number }
  | { type: 'done'; elapsedMs: number };

export const DEFAULT_SEED = 1;

/**
 * bench:tight. R rounds; in each round every workload runs every backend once, in a seeded
 * random order, each task on a fresh backend instance in that backend's own worker process,
 * its timing split in slices that alternate with the other backends' (ABBA).
 * Returns one ScenarioResult per workload and backend (`tight/<workload>/<backend>`).
 */
export async function runTight(opts: TightOptions = {}): Promise<ScenarioResult[]> {
  const profile = opts.profile ?? 'default';
  const settings = { ...PROFILE_SETTINGS[profile], ...(opts.rounds !== undefined && { rounds: opts.rounds }) };
  const seed = opts.seed ?? DEFAULT_SEED;
  const backends = withBaseline(opts.backends ?? defaultBackends(profile));
  const plan = workloads(settings);
  const emit = opts.onEvent ?? (() => {});
  const tasks = settings.rounds * plan.length * backends.length;
  const started = Date.now();
  emit({ type: 'start', profile, rounds: settings.rounds, backends, workloads: plan.map((w) => w.name), seed, tasks });

  const records: Records = Object.fromEntries(plan.map((w) => [w.name, {}]));
  const pool = await WorkerPool.start(backends);
  let done = 0;
  // Checked between worker requests (a slice lasts a fraction of a second), never inside one.
  const checkAborted = () => {
    if (opts.signal?.aborted) throw new RunAborted(String(opts.signal.reason ?? 'SIGINT'));
  };
  try {
    for (let round = 0; round < settings.rounds; round++) {
      for (const [wi, w] of plan.entries()) {
        const order = shuffled(backends, createRng(seed * 1_000_003 + round * 101 + wi));
        const spec = taskSpec(w, settings, round < settings.heapRounds, opts.clock ?? 'cpu');
        const slots = new Map<BackendName, TaskRecord>();
        for (const [position, backend] of order.entries()) {
          const slot: TaskRecord = { outcome: null, position };
          slots.set(backend, slot);
          (records[w.name][backend] ??= [])[round] = slot;
          checkAborted();
          await pool.open(backend, spec).catch((err: Error) => (slot.error = firstLine(err)));
        }
        // ABBA: forward on even slices, backward on odd ones
        for (let k = 0; k < settings.slices; k++) {
          for (const backend of k % 2 === 0 ? order : [...order].reverse()) {
            const slot = slots.get(backend)!;
            if (slot.error) continue;
            checkAborted();
            await pool.slice(backend, k === 0).catch((err: Error) => (slot.error = firstLine(err)));
          }
        }
        for (const backend of order) {
          const slot = slots.get(backend)!;
          checkAborted();
          // close even after a failure: it frees the worker's subject
          const outcome = await pool.close(backend).catch((err: Error) => {
            slot.error ??= firstLine(err);
            return null;
          });
          if (!slot.error) slot.outcome = outcome;
          done += 1;
          emit({
            type: 'task', round, workload: w.name, backend, nsPerOp: slot.outcome?.nsPerOp ?? null,
            ...(slot.error && { error: slot.error }), done, tasks, elapsedMs: Date.now() - started,
          });
        }
      }
    }
  } finally {
    await pool.stop();
  }
  emit({ type: 'done', elapsedMs: Date.now() - started });
  return buildScenarios({ records, workloads: plan, backends, rounds: settings.rounds, profile, seed });
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
