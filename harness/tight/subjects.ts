import { fmtShare } from '../../common/format.ts';
import { createHotPath } from '../../daemon/hot-path.ts';
import { createMetrics, readSnapshot } from '../../daemon/metrics/index.ts';
import { StageId, type BackendName, type ClientRef, type MetricsBackend, type MetricsSnapshot } from '../../daemon/metrics/types.ts';
import type { MetricCall, TaskExactness, WorkloadKind } from './messages.ts';

/**
 * What a tight task times: a fresh backend (and, for hot-path, a fresh daemon context) per task,
 * so no warm state carries over from another task. Each batch function is compiled on its own
 * (`new Function`), so its call sites collect their own type feedback instead of sharing one
 * megamorphic loop with every other task in the process.
 *
 * Every batch returns a value that depends on every operation and is summed into `sink`, which
 * `verifySink` checks against its closed form; the backend's own counts are checked by
 * `exactness()`. A loop the JIT had removed would fail both.
 */
export interface Subject {
  readonly backend: MetricsBackend;
  /** A function that performs `n` operations per call. */
  makeBatch(n: number): () => number;
  /** Operations performed so far, by every batch of this subject (warm-up included). */
  readonly operations: number;
  verifySink(): void;
  exactness(): Promise<TaskExactness | null>;
  close(): Promise<void>;
}

interface LoopState {
  j: number;
  ops: number;
  sink: number;
}

const STATUS_FRAMES = Array.from({ length: 64 }, (_, k) =>
  JSON.stringify({ op: 'call_tool', request_id: `tight-${k}`, name: 'status', arguments: {} }),
);

/** `body` runs once per operation with `c` = the current client (index `j`); `acc += j` is the sink. */
function compileBatch(n: number, body: string): (...args: unknown[]) => () => number {
  const src = `
    return function batch() {
      const len = clients.length;
      let j = st.j;
      let acc = 0;
      for (let i = 0; i < ${n}; i++) {
        const c = clients[j];
        ${body}
        acc += j;
        if (++j === len) j = 0;
      }
      st.j = j;
      st.ops += ${n};
      st.sink += acc;
      return acc;
    };`;
  return new Function('m', 'clients', 'st', 'frames', 'stage', src) as (...args: unknown[]) => () => number;
}

/** Sum of j over `ops` steps of j = 0,1,..,len-1,0,1,..: what every batch's sink adds up to. */
export function expectedSink(ops: number, len: number): number {
  const full = Math.floor(ops / len);
  const rest = ops % len;
  return (full * len * (len - 1)) / 2 + (rest * (rest - 1)) / 2;
}

/** Operations client j received when `ops` operations rotated over `len` clients from 0. */
function perClient(ops: number, len: number, j: number): number {
  return Math.floor(ops / len) + (j < ops % len ? 1 : 0);
}

function within(expected: number, recorded: number, sigmas: number, rate: number): boolean {
  const sd = Math.sqrt(expected * (1 - rate) / rate);
  return Math.abs(recorded - expected) <= sigmas * sd;
}

/**
 * `make` builds the backend instance (default: the registry's, by name); a test passes its own
 * fixture backend under a real backend name.
 */
export function createSubject(backendName: BackendName, workload: WorkloadKind, clients: number, make: () => MetricsBackend = () => createMetrics(backendName)): Subject {
  if (workload === 'record') return recordSubject(backendName, make(), clients);
  if (workload === 'hot-path') return hotPathSubject(backendName, make(), clients);
  return callSubject(backendName, make(), workload.slice('call-'.length) as MetricCall, clients);
}

/** The per-frame metrics calls the daemon makes (frame received, reply sent, stage latency). */
function recordSubject(backendName: BackendName, m: MetricsBackend, clientCount: number): Subject {
  const clients: ClientRef[] = Array.from({ length: clientCount }, (_, i) => m.client(`tight-${i}`));
  for (const c of clients) m.connectionOpened(c);
  const st: LoopState = { j: 0, ops: 0, sink: 0 };
  const body = `
        m.frameReceived(c, 120);
        m.frameSent(c, 240);
        m.stageLatency(stage, 40 + (i & 255));`;
  return {
    backend: m,
    makeBatch: (n) => compileBatch(n, body)(m, clients, st, null, StageId.total),
    get operations() {
      return st.ops;
    },
    verifySink: () => checkSink(st, clientCount),
    exactness: () =>
      checkExactness(backendName, m, () => st.ops, (s, expected) => {
        const last = clientCount - 1;
        const perClientOk =
          s.clients['tight-0']?.messagesReceived === perClient(expected, clientCount, 0) &&
          s.clients[`tight-${last}`]?.messagesSent === perClient(expected, clientCount, last);
        return {
          ok: s.totals.messagesReceived === expected && s.totals.messagesSent === expected && perClientOk,
          detail: `sent ${s.totals.messagesSent}, per-client ok ${perClientOk}`,
        };
      }),
    close: () => m.close(),
  };
}

/** The daemon's own handling of a `call_tool status` frame (daemon/hot-path.ts), with this backend. */
function hotPathSubject(backendName: BackendName, m: MetricsBackend, clientCount: number): Subject {
  const hp = createHotPath(m);
  const conns = Array.from({ length: clientCount }, (_, i) => hp.connect(`tight-${i}`));
  const st: LoopState = { j: 0, ops: 0, sink: 0 };
  const body = `c.receive(frames[i & 63]);`;
  return {
    backend: m,
    makeBatch: (n) => compileBatch(n, body)(m, conns, st, STATUS_FRAMES, 0),
    get operations() {
      return st.ops;
    },
    verifySink: () => checkSink(st, clientCount),
    exactness: () =>
      // Each hello counts as a received frame.
      checkExactness(backendName, m, () => clientCount + st.ops, (s, expected) => {
        const expectedSent = conns.reduce((a, c) => a + c.sent, 0);
        return {
          ok: s.totals.messagesReceived === expected && s.totals.messagesSent === expectedSent,
          detail: `sent: expected ${expectedSent}, recorded ${s.totals.messagesSent}`,
        };
      }),
    close: async () => {
      for (const c of conns) c.close();
      await m.close();
    },
  };
}

/**
 * One metrics call per operation, the parts of the account (account.ts): what each call costs
 * alone, with the arguments the daemon passes (a client ref, a byte count, a stage id, the
 * tool's constant name string).
 */
const CALL_BODIES: Record<MetricCall, string> = {
  frameReceived: 'm.frameReceived(c, 120);',
  frameSent: 'm.frameSent(c, 240);',
  stageLatency: 'm.stageLatency(stage, 40 + (i & 255));',
  requestDone: "m.requestDone(c, 'status', 40 + (i & 255), true);",
};

/** What each call's count shows in a snapshot of an exact backend. */
const CALL_COUNT: Record<MetricCall, (s: MetricsSnapshot) => number> = {
  frameReceived: (s) => s.totals.messagesReceived,
  frameSent: (s) => s.totals.messagesSent,
  stageLatency: (s) => s.latencyUs.total?.count ?? 0,
  requestDone: (s) => s.requests?.status?.ok ?? 0,
};

function callSubject(backendName: BackendName, m: MetricsBackend, call: MetricCall, clientCount: number): Subject {
  const clients: ClientRef[] = Array.from({ length: clientCount }, (_, i) => m.client(`tight-${i}`));
  for (const c of clients) m.connectionOpened(c);
  const st: LoopState = { j: 0, ops: 0, sink: 0 };
  return {
    backend: m,
    makeBatch: (n) => compileBatch(n, CALL_BODIES[call])(m, clients, st, null, StageId.total),
    get operations() {
      return st.ops;
    },
    verifySink: () => checkSink(st, clientCount),
    // exact backends only: a sampled backend's estimate is checked on the frame workloads
    exactness: async () => {
      if (backendName === 'none' || !m.exact) return null;
      const recorded = CALL_COUNT[call](await readSnapshot(m));
      const ok = recorded === st.ops;
      return { expected: st.ops, recorded, ok, ...(!ok && { detail: `${call}: ${st.ops} calls, recorded ${recorded}` }) };
    },
    close: () => m.close(),
  };
}

function checkSink(st: LoopState, len: number): void {
  const want = expectedSink(st.ops, len);
  if (st.sink !== want) throw new Error(`benchmark sink ${st.sink} != ${want}: the loop did not run as written`);
}

/**
 * What both subjects share: no check for `none`, a statistical one for a sampled backend, else
 * `exact` judges the snapshot. `expectedReceived` is read after the snapshot, like the counts.
 * `exact` returns its `detail` always; it is reported only when the check failed.
 */
async function checkExactness(
  backendName: BackendName,
  m: MetricsBackend,
  expectedReceived: () => number,
  exact: (s: MetricsSnapshot, expected: number) => { ok: boolean; detail: string },
): Promise<TaskExactness | null> {
  if (backendName === 'none') return null;
  const s = await readSnapshot(m);
  const expected = expectedReceived();
  const recorded = s.totals.messagesReceived;
  if (!m.exact) return sampledExactness(m, expected, recorded);
  const { ok, detail } = exact(s, expected);
  return { expected, recorded, ok, ...(!ok && { detail }) };
}

function sampledExactness(m: MetricsBackend, expected: number, recorded: number): TaskExactness {
  const meta = (m as { meta?: () => { metricsDropped: number; sampleRate: number } }).meta?.();
  const rate = meta?.sampleRate ?? 0.03;
  return {
    expected, recorded, ok: within(expected, recorded, 5, rate),
    detail: `estimate at ${fmtShare(rate * 100)} sampling; ring buffer dropped ${meta?.metricsDropped ?? '?'} sampled events`,
  };
}
