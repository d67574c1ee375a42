import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasExited, stopChild, track } from '../targets/children.ts';
import { describeTail, LineTail } from '../targets/output-lines.ts';
import { REPO_ROOT, TSX_EXEC_ARGV } from '../targets/paths.ts';
import type { DriverConfig, DriverMessage, ParentMessage, WindowStats } from './messages.ts';

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
  private pending: { resolve: (m: DriverMessage) => void; reject: (e: Error) => void; want: DriverMessage['type']; id?: number } | null = null;
  private deathReason: string | null = null;
  private nextId = 1;
  /** Resolves (with why, stderr tail included) shortly after the process is gone. */
  readonly died: Promise<string>;
  /** Resolves with the exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly stderr: LineTail,
    private readonly label: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.died = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        setTimeout(() => {
          this.deathReason = `${label} driver ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${describeTail(stderr)}`;
          this.pending?.reject(new DriverFault(this.deathReason));
          this.pending = null;
          resolve(this.deathReason);
        }, 50);
      });
    });
    child.on('message', (m: DriverMessage) => this.onMessage(m));
  }

  /**
   * Fork the driver without starting it: loading its modules takes seconds under tsx, so the
   * scenario forks drivers while the fakes and targets come up, and sends `start` later.
   */
  static fork(label: string): DriverProcess {
    const child = track(
      fork(DRIVER_MAIN, [], { execArgv: TSX_EXEC_ARGV, detached: true, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], cwd: REPO_ROOT }),
    );
    return new DriverProcess(child, new LineTail(child.stderr), label);
  }

  /** Send `start`; resolves once the driver reports `ready` (connections open, hello done). */
  async start(config: DriverConfig, timeoutMs: number): Promise<void> {
    await this.request({ type: 'start', config }, 'ready', timeoutMs);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * Run the load for `durationMs`; the driver drains in-flight requests before answering.
   * Without `timeoutMs`, a minute beyond the window (callers that know their request timeout pass it).
   */
  async window(durationMs: number, record: boolean, timeoutMs = durationMs + 60_000): Promise<WindowStats> {
    const id = this.nextId++;
    const reply = await this.request({ type: 'window', id, durationMs, record }, 'window-done', timeoutMs, id);
    if (reply.type !== 'window-done') throw new DriverFault(`${this.label} driver: unexpected reply ${reply.type}`);
    return reply.stats;
  }

  /** Graceful `stop` (closes its connections), then the process group is ended whatever happened. */
  async stop(): Promise<void> {
    // An outstanding start/window (the run was interrupted) is over: reject it, clearing its timer.
    this.pending?.reject(new DriverFault(`${this.label} driver: stopped`));
    this.pending = null;
    if (this.deathReason === null && this.child.connected) {
      await this.request({ type: 'stop' }, 'stopped', 5000).catch(() => undefined);
    }
    await stopChild(this.child, 2000);
  }

  /** SIGKILL (for a parent that is itself being torn down); resolves when it is gone. */
  async kill(): Promise<void> {
    if (!hasExited(this.child)) this.child.kill('SIGKILL');
    await this.exited;
  }

  private request(msg: ParentMessage, want: DriverMessage['type'], timeoutMs: number, id?: number): Promise<DriverMessage> {
    if (this.deathReason) return Promise.reject(new DriverFault(this.deathReason));
    if (this.pending) return Promise.reject(new DriverFault(`${this.label} driver: a ${this.pending.want} is still outstanding`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        reject(new DriverFault(`${this.label} driver: no ${want} within ${Math.round(timeoutMs / 1000)} s${describeTail(this.stderr)}`));
      }, timeoutMs);
      this.pending = {
        want,
        id,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.child.send(msg, (err) => {
        if (err && this.pending) {
          this.pending.reject(new DriverFault(`${this.label} driver: IPC send failed: ${err.message}`));
          this.pending = null;
        }
      });
    });
  }

  private onMessage(m: DriverMessage): void {
    const p = this.pending;
    if (!p) return;
    if (m.type === 'error') {
      this.pending = null;
      p.reject(new DriverFault(`${this.label} driver: ${m.message}`));
      return;
    }
    if (m.type !== p.want) return;
    if (m.type === 'window-done' && m.id !== p.id) return; // a late reply to a timed-out window
    this.pending = null;
    p.resolve(m);
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
