import { existsSync } from 'node:fs';
import path from 'node:path';
import { CpuProfile } from '../../daemon/bench/cpu-profile.ts';
import type { BackendName } from '../../daemon/metrics/types.ts';
import { subjectsFor } from './backend-copies.ts';
import { bytesPerClient, bytesPerOp } from './heap.ts';
import type { SideOutcome, TaskExactness, TaskOutcome, TaskSpec } from './messages.ts';
import { CLOCKS, combineCopies, emptyRaw, summarizePairs, timePair, warmUp, type NowNs, type Side } from './paired.ts';
import type { Subject } from './subjects.ts';
import { calibrateBatch } from './timing.ts';

/** What a task needs to build a subject for a backend (subjects.ts createSubject, from that backend's copy). */
export interface SubjectSource {
  createSubject(backend: BackendName, workload: TaskSpec['workload'], clients: number): Subject;
}

export interface TaskOptions {
  /** Where to write `<workload>.<backend>.cpuprofile` after the timing (none's too, once). */
  cpuProfileDir?: string;
  /** Default: the backend's module copy number `copy` (backend-copies.ts). */
  load?: (backend: BackendName, copy: number) => Promise<SubjectSource>;
  /** The clock of the timed pairs (default: the spec's). Warm-up and calibration use CPU time. */
  now?: NowNs;
}

type Gc = (opts?: { type: 'minor' | 'major' }) => void;
const gc = (globalThis as { gc?: Gc }).gc;
/**
 * One young-generation collection before the timed pairs (the worker runs with --expose-gc), not
 * one per pair: a collection leaves the caches cold, and the batch after it ran slower (with a
 * scavenge before every pair, consecutive batches of one side spread 22-28%; without, 6%). With
 * ~30 us batches and a 16 MB new space, a scavenge then lands in about one batch in 700 of the
 * hot path (1.4 kB per frame), an outlier the per-pair median sets aside. What the collector
 * costs for the bytes a backend allocates is reported beside the time, as bytes/op (heap.ts).
 */
const scavenge = gc ? () => gc({ type: 'minor' }) : () => {};

/** CPU time a profile samples each side for. */
const PROFILE_MS = 300;

interface CopyPair {
  a: Subject;
  b: Subject;
}

const sideOf = (s: Subject, n: number): Side => ({ batch: s.makeBatch(n), empty: s.makeBatch(0) });

/**
 * One paired task: `spec.copies` pairs of fresh (none, backend) subjects of the workload, each
 * side from its own module copy; one batch size for all (calibrated on the backend), warm-up
 * alternating each pair, then `spec.pairs` ABBA pairs per copy, the copies interleaved pair by
 * pair; then the loops' sinks, the backend's exactness and, if asked, the heap (first copy).
 */
export async function runTask(backend: BackendName, spec: TaskSpec, opts: TaskOptions = {}): Promise<TaskOutcome> {
  const load = opts.load ?? subjectsFor;
  const now = opts.now ?? CLOCKS[spec.clock];
  const copies: CopyPair[] = [];
  const open: Subject[] = [];
  try {
    for (let i = 0; i < Math.max(1, spec.copies); i++) {
      const [noneSource, source] = await Promise.all([load('none', i), load(backend, i)]);
      const a = noneSource.createSubject('none', spec.workload, spec.clients);
      open.push(a);
      const b = source.createSubject(backend, spec.workload, spec.clients);
      open.push(b);
      copies.push({ a, b });
    }
    // Sized twice: the first sizing runs code that is still cold (far too slow: batches far too
    // small for the clock), the second after both sides have warmed up together.
    const first = copies[0];
    const n0 = calibrateBatch(first.b.makeBatch, spec.batch, spec.targetCallUs, spec.maxBatch);
    for (const c of copies) warmUp(sideOf(c.a, n0), sideOf(c.b, n0), spec.warmupMs, CLOCKS.cpu);
    const n = calibrateBatch(first.b.makeBatch, n0, spec.targetCallUs, spec.maxBatch);
    const sides = copies.map((c) => [sideOf(c.a, n), sideOf(c.b, n)] as const);
    for (const [sa, sb] of sides) warmUp(sa, sb, spec.warmupMs / 4, CLOCKS.cpu);
    const raws = sides.map(() => emptyRaw(n));
    scavenge();
    for (let p = 0; p < spec.pairs; p++) {
      for (const [i, [sa, sb]] of sides.entries()) timePair(sa, sb, p, now, raws[i]);
    }
    const s = combineCopies(raws.map(summarizePairs));
    for (const c of copies) {
      c.a.verifySink();
      c.b.verifySink();
    }
    const sum = (f: (c: CopyPair) => number) => copies.reduce((acc, c) => acc + f(c), 0);
    const none: SideOutcome = { nsPerOp: s.aNs, emptyNs: s.emptyA, operations: sum((c) => c.a.operations) };
    const other: SideOutcome = { nsPerOp: s.bNs, emptyNs: s.emptyB, operations: sum((c) => c.b.operations) };
    const exact = await Promise.all(copies.map((c) => c.b.exactness()));
    const outcome: TaskOutcome = {
      none, backend: other, ratio: s.ratio, deltaNs: s.deltaNs,
      withinSdPct: s.sdPct, withinLowPct: s.lowPct, withinHighPct: s.highPct,
      ...(Number.isFinite(s.copySdPct) && { copySdPct: s.copySdPct }),
      copies: s.copies, pairs: s.pairs, batch: n, exactness: mergeExactness(exact),
    };
    if (opts.cpuProfileDir) outcome.profiles = await profileSides(opts.cpuProfileDir, spec.name, backend, ...sides[0]);
    if (spec.heap) {
      none.bytesPerOp = bytesPerOp(first.a, spec.heap.ops);
      other.bytesPerOp = bytesPerOp(first.b, spec.heap.ops);
      if (spec.heap.clients > 0) {
        none.bytesPerClient = await bytesPerClient('none', spec.heap.clients);
        other.bytesPerClient = await bytesPerClient(backend, spec.heap.clients);
      }
    }
    return outcome;
  } finally {
    for (const s of open) await s.close();
  }
}

function mergeExactness(xs: (TaskExactness | null)[]): TaskExactness | null {
  const present = xs.filter((x): x is TaskExactness => x !== null);
  if (present.length === 0) return null;
  const bad = present.find((x) => !x.ok);
  return {
    expected: present.reduce((a, x) => a + x.expected, 0),
    recorded: present.reduce((a, x) => a + x.recorded, 0),
    ok: !bad,
    ...(bad?.detail && { detail: bad.detail }),
  };
}

/**
 * Each side's batch alone under the V8 profiler for PROFILE_MS, after the timing (the profiler's
 * sampling would otherwise be in the numbers): `<workload>.<backend>.cpuprofile`, and
 * `<workload>.none.cpuprofile` the first time.
 */
async function profileSides(dir: string, workload: string, backend: BackendName, none: Side, other: Side): Promise<string[]> {
  const files: string[] = [];
  for (const [name, side] of [['none', none], [backend, other]] as const) {
    const file = path.join(dir, `${workload}.${name}.cpuprofile`);
    if (name === 'none' && existsSync(file)) continue;
    const p = new CpuProfile();
    await p.start();
    const until = CLOCKS.cpu() + PROFILE_MS * 1e6;
    while (CLOCKS.cpu() < until) side.batch();
    files.push(await p.stop(file));
  }
  return files;
}
