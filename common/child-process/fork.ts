/**
 * A TypeScript module of this package as a child process with an IPC channel: forked with tsx
 * (loaded by absolute URL, whatever the working directory), typed messages both ways, replies
 * awaited with the child's death or a timeout as the error, stopped with grace. The child's end
 * is `connectToParent`, which ends the child when the channel closes, so it never outlives us.
 */
import { fork, type IOType } from 'node:child_process';
import { tsxExecArgv } from '../tsx.ts';
import { Child, type ChildOptions } from './child.ts';
import { describeTail } from './output.ts';

/** 'pipe', 'ignore', 'inherit', or a file descriptor of ours (2: the child's stdout onto our stderr). */
type Stdio = IOType | number;

export interface ForkOptions<Out> extends ChildOptions {
  args?: readonly string[];
  /** Node flags beyond tsx's (--expose-gc). */
  nodeArgs?: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdin, stdout, stderr (the IPC channel is added); default ignore, pipe, pipe. */
  stdio?: [Stdio, Stdio, Stdio];
  /** The message that asks the child to end; without one, stop() sends SIGTERM. */
  goodbye?: Out;
}

interface Waiter<In> {
  accept(m: In): boolean;
  resolve(m: In): void;
  reject(e: Error): void;
}

/** The parent's end: `Out` messages go to the child, `In` messages come back. */
export class Forked<Out, In> extends Child {
  private readonly waiters = new Set<Waiter<In>>();
  private readonly goodbye: Out | undefined;

  constructor(file: string, opts: ForkOptions<Out>) {
    const { name, group, args = [], nodeArgs = [], cwd, env, stdio = ['ignore', 'pipe', 'pipe'], goodbye } = opts;
    super(fork(file, args, { execArgv: tsxExecArgv(...nodeArgs), cwd, env, stdio: [...stdio, 'ipc'], detached: group ?? false }), { name, group });
    this.goodbye = goodbye;
    // A message settles the oldest waiter that takes it; one nobody waits for is dropped.
    this.process.on('message', (m: In) => {
      for (const w of this.waiters) if (w.accept(m)) return w.resolve(m);
    });
    void this.ended.then((why) => this.cancel(why));
  }

  /** Resolves once the message is handed to the channel; rejects when the channel is closed. */
  send(msg: Out): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.process.connected) return reject(new Error(`${this.name}: IPC channel closed`));
      this.process.send(msg as object, (err) => (err ? reject(new Error(`${this.name}: IPC send failed: ${err.message}`)) : resolve()));
    });
  }

  /**
   * The next message `accept` takes. Rejects with the child's end (why, stderr tail included), with
   * stop(), or after `timeoutMs` ("NAME: no WHAT within N s").
   */
  next<M extends In>(accept: (m: In) => m is M, timeoutMs?: number, what?: string): Promise<M>;
  next(accept: (m: In) => boolean, timeoutMs?: number, what?: string): Promise<In>;
  next(accept: (m: In) => boolean, timeoutMs?: number, what = 'reply'): Promise<In> {
    return this.wait(accept, timeoutMs, what).reply;
  }

  /** send, then the reply `accept` takes (as next(); a failed send rejects it). */
  request<M extends In>(msg: Out, accept: (m: In) => m is M, timeoutMs?: number, what?: string): Promise<M>;
  request(msg: Out, accept: (m: In) => boolean, timeoutMs?: number, what?: string): Promise<In>;
  request(msg: Out, accept: (m: In) => boolean, timeoutMs?: number, what = 'reply'): Promise<In> {
    const waiter = this.wait(accept, timeoutMs, what);
    this.send(msg).catch((e: Error) => waiter.reject(e));
    return waiter.reply;
  }

  private wait(accept: (m: In) => boolean, timeoutMs: number | undefined, what: string): Waiter<In> & { reply: Promise<In> } {
    let resolve!: (m: In) => void;
    let reject!: (e: Error) => void;
    const reply = new Promise<In>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const silent = () => new Error(`${this.name}: no ${what} within ${Math.round(timeoutMs! / 1000)} s${describeTail(this.stderr)}`);
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => waiter.reject(silent()), timeoutMs);
    const settle = <A>(done: (a: A) => void) => (a: A) => {
      clearTimeout(timer);
      this.waiters.delete(waiter);
      done(a);
    };
    const waiter = { accept, resolve: settle(resolve), reject: settle(reject), reply };
    const reason = this.exitReason();
    if (reason !== null) waiter.reject(new Error(reason));
    else this.waiters.add(waiter);
    return waiter;
  }

  /** Rejects every outstanding wait with `why` (a run interrupted mid-window). */
  cancel(why: string): void {
    for (const w of this.waiters) w.reject(new Error(why));
  }

  /** Ends every outstanding wait, then stops the child (see Child.stop). */
  override stop(graceMs?: number): Promise<void> {
    this.cancel(`${this.name}: stopped`);
    return super.stop(graceMs);
  }

  protected override askToEnd(): void {
    if (this.goodbye !== undefined && this.process.connected) this.process.send(this.goodbye as object);
    else super.askToEnd();
  }
}

/** Fork `file` (a .ts module of this package) with tsx and an IPC channel. */
export function forkChild<Out, In>(file: string, opts: ForkOptions<Out>): Forked<Out, In> {
  return new Forked<Out, In>(file, opts);
}

/**
 * The child's end of the channel: `onMessage` gets the parent's messages, the returned function
 * sends to it (resolving once handed over; a no-op once the channel is closed). When the channel
 * closes (the parent exited, crashed or was killed) `onParentGone` runs: by default the child
 * exits, so it dies with its parent. Started without a channel, the child exits 2 saying so.
 */
export function connectToParent<In, Out>(onMessage: (msg: In) => void, onParentGone: () => void = () => process.exit(0)): (msg: Out) => Promise<void> {
  if (process.send === undefined) {
    process.stderr.write(`${process.argv[1]} runs as a forked child with an IPC channel\n`);
    process.exit(2);
  }
  process.on('message', onMessage);
  process.on('disconnect', onParentGone);
  return (msg) =>
    new Promise((resolve) => {
      if (!process.connected) return resolve();
      process.send!(msg, undefined, {}, () => resolve());
    });
}
