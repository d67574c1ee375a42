import { connectToParent } from '../../common/child-process/fork.ts';
import type { BackendName } from '../../daemon/metrics/types.ts';
import { median } from '../stats/compare.ts';
import { bytesPerClient, bytesPerOp } from './heap.ts';
import type { FromWorker, SliceTiming, TaskOutcome, TaskSpec, ToWorker } from './messages.ts';
import { createSubject, type Subject } from './subjects.ts';
import { calibrateBatch, netNsPerOp, timeCalls } from './timing.ts';

/**
 * A bench:tight worker: one process per backend (run.ts forks it with --expose-gc). It holds at
 * most one open task: a fresh subject with its calibrated batch, timed slice by slice when the
 * parent asks, then closed.
 */
let backend: BackendName | undefined;

interface OpenTask {
  spec: TaskSpec;
  subject: Subject;
  n: number;
  batch: () => number;
  empty: () => number;
  slices: SliceTiming[];
}
let open: OpenTask | null = null;

function openTask(spec: TaskSpec): { batch: number } {
  if (!backend) throw new Error('worker got a task before init');
  if (open) throw new Error('worker: a task is already open');
  const subject = createSubject(backend, spec.workload, spec.clients);
  const n = calibrateBatch(subject.makeBatch, spec.batch, spec.targetCallUs, spec.maxBatch);
  open = { spec, subject, n, batch: subject.makeBatch(n), empty: subject.makeBatch(0), slices: [] };
  return { batch: n };
}

async function slice(first: boolean): Promise<SliceTiming> {
  if (!open) throw new Error('worker: no open task');
  const { spec, n } = open;
  // warm-up in full before the first slice only; later slices continue warm code
  const warm = first ? spec.warmupMs : spec.warmupMs / 4;
  // the empty call is short and steady: half the time buys the same precision
  const empty = await timeCalls(open.empty, spec.timeMs / 2, warm / 2, spec.clock);
  const batch = await timeCalls(open.batch, spec.timeMs, warm, spec.clock);
  const t: SliceTiming = { netNsPerOp: netNsPerOp(batch, empty, n), callNs: batch.meanNs, emptyNs: empty.meanNs, samples: batch.samples };
  open.slices.push(t);
  return t;
}

async function closeTask(): Promise<TaskOutcome> {
  if (!open || !backend) throw new Error('worker: no open task');
  const { spec, subject, n, slices } = open;
  open = null;
  try {
    subject.verifySink();
    const outcome: TaskOutcome = {
      nsPerOp: median(slices.map((s) => s.netNsPerOp)) ?? Number.NaN,
      slices: slices.length,
      batch: n,
      callNs: median(slices.map((s) => s.callNs)) ?? Number.NaN,
      emptyNs: median(slices.map((s) => s.emptyNs)) ?? Number.NaN,
      samples: slices.reduce((a, s) => a + s.samples, 0),
      operations: subject.operations,
      exactness: await subject.exactness(),
    };
    if (spec.heap) {
      outcome.bytesPerOp = bytesPerOp(subject, spec.heap.ops);
      if (spec.heap.clients > 0) outcome.bytesPerClient = await bytesPerClient(backend, spec.heap.clients);
    }
    return outcome;
  } finally {
    await subject.close();
  }
}

type ReplyData = Extract<FromWorker, { type: 'reply' }>['data'];

function reply(id: number, work: () => Promise<ReplyData>): void {
  work().then(
    (data) => void send({ type: 'reply', id, data }),
    (err: Error) => void send({ type: 'failed', id, message: err.stack ?? err.message }),
  );
}

// The parent's disconnect (or death) ends the worker.
const send = connectToParent<ToWorker, FromWorker>((msg) => {
  switch (msg.type) {
    case 'init':
      backend = msg.backend;
      void send({ type: 'ready' });
      return;
    case 'open':
      return reply(msg.id, async () => openTask(msg.spec));
    case 'slice':
      return reply(msg.id, () => slice(msg.first));
    case 'close':
      return reply(msg.id, closeTask);
    case 'stop':
      process.disconnect();
  }
});
