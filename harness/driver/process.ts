import { fileURLToPath } from 'node:url';
import { forkChild, type Forked } from '../../common/child-process/fork.ts';
import { REPO_ROOT } from '../../common/tsx.ts';
import { track } from '../targets/children.ts';
import type { DriverConfig, DriverMessage, ParentMessage, WindowStats } from './messages.ts';
import { PROGRESS_EVERY_MS, progressWatched, reportDriverProgress } from './progress.ts';

/** The driver failed (crashed, timed out, reported an error): the scenario cannot go on. */
export class DriverFault extends Error {
  override name = 'DriverFault';
}

const DRIVER_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/**
 * The load driver in its own process (so its CPU is not the target's), spoken to over the IPC
 * contract of messages.ts: start -> ready, window -> window-done, stop -> stopped.
 * One outstanding request at a time; the driver's death rejects it with the driver's last stderr.
 */
export class DriverProcess {
  private outstanding: DriverMessage['type'] | null = null;
  private nextId = 1;
  /** Resolves (with why, stderr tail included) shortly after the process is gone, unless it was stopped. */
  readonly died: Promise<string>;
  /** Resolves with the exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** `window-progress` messages received (there are none unless someone watches: progress.ts). */
  progressReports = 0;

  private constructor(
    private readonly proc: Forked<ParentMessage, DriverMessage>,
    private readonly label: string,
  ) {
    this.died = proc.died;
    this.exited = proc.exited.then((e) => e.code);
    // Progress is no reply to anything: it goes to the watchers, beside the request/reply flow.
    proc.process.on('message', (m: DriverMessage) => {
      if (m.type !== 'window-progress') return;
      this.progressReports++;
      reportDriverProgress({ ...m.progress, label });
    });
  }

  /**
   * Fork the driver without starting it: loading its modules takes seconds under tsx, so the
   * scenario forks drivers while the fakes and targets come up, and sends `start` later.
   */
  static fork(label: string): DriverProcess {
    const proc = forkChild<ParentMessage, DriverMessage>(DRIVER_MAIN, { name: `${label} driver`, group: true, stdio: ['ignore', 'ignore', 'pipe'], cwd: REPO_ROOT });
    return new DriverProcess(track(proc), label);
  }

  /** Send `start`; resolves once the driver reports `ready` (connections open, hello done). */
  async start(config: DriverConfig, timeoutMs: number): Promise<void> {
    await this.request({ type: 'start', config }, 'ready', timeoutMs);
  }

  get pid(): number {
    return this.proc.pid;
  }

  /**
   * Run the load for `durationMs`; the driver drains in-flight requests before answering, unless
   * `keepIssuing` (Driver.window: the load runs on into the next window).
   * Without `timeoutMs`, a minute beyond the window (callers that know their request timeout pass it).
   * While someone watches drivers' progress (progress.ts), the driver reports the window so far
   * every PROGRESS_EVERY_MS; otherwise it is not asked to.
   */
  async window(durationMs: number, record: boolean, timeoutMs = durationMs + 60_000, keepIssuing = false): Promise<WindowStats> {
    const id = this.nextId++;
    const msg: ParentMessage = {
      type: 'window', id, durationMs, record,
      ...(progressWatched() && { progressMs: PROGRESS_EVERY_MS }),
      ...(keepIssuing && { keepIssuing }),
    };
    const reply = await this.request(msg, 'window-done', timeoutMs, id);
    if (reply.type !== 'window-done') throw new DriverFault(`${this.label} driver: unexpected reply ${reply.type}`);
    return reply.stats;
  }

  /** Graceful `stop` (closes its connections), then the process group is ended whatever happened. */
  async stop(): Promise<void> {
    // An outstanding start/window (the run was interrupted) is over.
    this.proc.cancel(`${this.label} driver: stopped`);
    await this.proc.request({ type: 'stop' }, (m) => m.type === 'stopped', 5000).catch(() => undefined);
    await this.proc.stop(2000);
  }

  /** SIGKILL (for a parent that is itself being torn down); resolves when it is gone. */
  async kill(): Promise<void> {
    this.proc.signal('SIGKILL');
    await this.proc.exited;
  }

  private async request(msg: ParentMessage, want: DriverMessage['type'], timeoutMs: number, id?: number): Promise<DriverMessage> {
    if (this.outstanding) throw new DriverFault(`${this.label} driver: a ${this.outstanding} is still outstanding`);
    this.outstanding = want;
    try {
      // A window-done of another id is a late reply to a timed-out window.
      const reply = await this.proc.request(msg, (m) => m.type === 'error' || (m.type === want && (m.type !== 'window-done' || m.id === id)), timeoutMs, want);
      if (reply.type === 'error') throw new DriverFault(`${this.label} driver: ${reply.message}`);
      return reply;
    } catch (e) {
      throw e instanceof DriverFault ? e : new DriverFault((e as Error).message);
    } finally {
      this.outstanding = null;
    }
  }
}

/**
 * Fork and start in one step (tests, bench:driver): resolves once `ready`; on a refused start
 * (bad config, unreachable target) the process is killed and the driver's message rethrown.
 */
export async function forkDriver(config: DriverConfig, opts: { label?: string; startTimeoutMs?: number } = {}): Promise<DriverProcess> {
  const d = DriverProcess.fork(opts.label ?? 'load');
  try {
    await d.start(config, opts.startTimeoutMs ?? 60_000);
  } catch (e) {
    await d.kill();
    throw e;
  }
  return d;
}
