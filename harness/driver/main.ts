/**
 * The driver process: forked by the harness (child_process.fork, tsx loaded by absolute URL) so
 * that its CPU is not the target's and can be measured apart. Controlled only over IPC
 * (harness/driver/messages.ts); it never prints. If the parent goes away it closes and exits.
 */
import { connectToParent } from '../../common/child-process/fork.ts';
import { Driver } from './driver.ts';
import type { DriverMessage, ParentMessage, WindowProgress } from './messages.ts';

let driver: Driver | undefined;
let exiting = false;
// Messages are handled one at a time, in order: a stop never overtakes a running window.
let queue: Promise<void> = Promise.resolve();

async function exit(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  await driver?.stop().catch(() => {});
  driver = undefined;
  if (process.connected) process.disconnect();
  process.exit(code);
}

async function handle(msg: ParentMessage): Promise<void> {
  switch (msg.type) {
    case 'start':
      if (driver !== undefined) return send({ type: 'error', message: 'start received twice' });
      try {
        driver = await Driver.start(msg.config);
      } catch (e) {
        await send({ type: 'error', message: (e as Error).message });
        return exit(1);
      }
      return send({ type: 'ready' });
    case 'window': {
      if (driver === undefined) return send({ type: 'error', message: `window ${msg.id} before start` });
      const id = msg.id;
      const progress = msg.progressMs === undefined ? undefined : { everyMs: msg.progressMs, report: (p: WindowProgress) => void send({ type: 'window-progress', id, progress: p }) };
      const stats = await driver.window(msg.durationMs, msg.record, progress, msg.keepIssuing === true);
      return send({ type: 'window-done', id, stats });
    }
    case 'stop':
      await driver?.stop();
      driver = undefined;
      await send({ type: 'stopped' });
      return exit(0);
    default:
      return send({ type: 'error', message: `unknown message ${JSON.stringify(msg)}` });
  }
}

const send = connectToParent<ParentMessage, DriverMessage>(
  (msg) => {
    queue = queue.then(() => handle(msg)).catch(async (e: unknown) => {
      await send({ type: 'error', message: `driver failed: ${(e as Error).stack ?? String(e)}` });
      await exit(1);
    });
  },
  // The parent died or closed the channel: nobody will read our results, and nothing may linger.
  () => void exit(0),
);
process.on('SIGTERM', () => void exit(0));
process.on('SIGINT', () => void exit(0));
