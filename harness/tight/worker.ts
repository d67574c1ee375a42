import { connectToParent } from '../../common/child-process/fork.ts';
import type { FromWorker, ToWorker } from './messages.ts';
import { runTask } from './task.ts';

/**
 * A bench:tight worker: one process per round (run.ts forks it with --expose-gc). Each task
 * times `none` against one backend, alternately, each through its own copy of the daemon's
 * modules (backend-copies.ts); tasks run one at a time, in the order the parent sends them.
 */
const send = connectToParent<ToWorker, FromWorker>((msg) => {
  if (msg.type === 'stop') {
    process.disconnect();
    return;
  }
  runTask(msg.backend, msg.spec, { cpuProfileDir: msg.cpuProfileDir }).then(
    (data) => void send({ type: 'reply', id: msg.id, data }),
    (err: Error) => void send({ type: 'failed', id: msg.id, message: err.stack ?? err.message }),
  );
});
void send({ type: 'ready' });
