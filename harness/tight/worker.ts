import type { BackendName } from '../../daemon/metrics/types.ts';
import { bytesPerClient, bytesPerOp } from './heap.ts';
import type { FromWorker, TaskOutcome, TaskSpec, ToWorker } from './messages.ts';
import { createSubject } from './subjects.ts';
import { calibrateBatch, netNsPerOp, timeCalls } from './timing.ts';

/**
 * A bench:tight worker: one process per backend (run.ts forks it with --expose-gc), running the
 * tasks the parent sends, one at a time, each on a fresh subject.
 */
let backend: BackendName | undefined;

async function runTask(spec: TaskSpec): Promise<TaskOutcome> {
  if (!backend) throw new Error('worker got a task before init');
  const subject = createSubject(backend, spec.workload, spec.clients);
  try {
    const n = calibrateBatch(subject.makeBatch, spec.batch, spec.targetCallUs, spec.maxBatch);
    const empty = subject.makeBatch(0);
    const batch = subject.makeBatch(n);
    // the empty call is short and steady: half the time buys the same precision
    const emptyTiming = await timeCalls(empty, spec.timeMs / 2, spec.warmupMs / 2, spec.clock);
    const batchTiming = await timeCalls(batch, spec.timeMs, spec.warmupMs, spec.clock);
    subject.verifySink();
    const outcome: TaskOutcome = {
      nsPerOp: netNsPerOp(batchTiming, emptyTiming, n),
      batch: n,
      callNs: batchTiming.meanNs,
      emptyNs: emptyTiming.meanNs,
      samples: batchTiming.samples,
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

function send(msg: FromWorker): void {
  process.send!(msg);
}

process.on('message', (msg: ToWorker) => {
  if (msg.type === 'init') {
    backend = msg.backend;
    send({ type: 'ready' });
  } else if (msg.type === 'task') {
    runTask(msg.spec).then(
      (outcome) => send({ type: 'result', id: msg.id, outcome }),
      (err: Error) => send({ type: 'failed', id: msg.id, message: err.stack ?? err.message }),
    );
  } else if (msg.type === 'stop') {
    process.disconnect();
  }
});
// the parent's disconnect (or death) ends the worker
process.on('disconnect', () => process.exit(0));
