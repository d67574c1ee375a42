/**
 * Noticing that our parent died, for every long-lived process overbench starts (the fakes, the
 * daemon, the CLI, the bench programs and their helpers). Linux gives an orphan a new parent (PID 1
 * or the nearest subreaper), so `process.ppid` changes: polling it every half second on an unref'd
 * timer (getppid(2): cheap, and the timer never keeps the process alive) catches a parent killed
 * with SIGKILL, which sends us no signal and, without an IPC channel, closes nothing we hold.
 * Forked children with an IPC channel need none of this: their 'disconnect' fires instead.
 *
 * A `sh -c CMD` between us and the real parent (npx runs a bin that way; so does `npm run` for a
 * script that does not `exec`) does not die with that parent: it waits for us. Such wrappers are
 * seen through: when one of them is re-parented, the process that started it is gone, and so is
 * ours. Only then is /proc read on each tick (one small file per wrapper).
 */
import { readCmdline, readStat } from './proc.ts';

const POLL_MS = 500;
const MAX_WRAPPERS = 3;

/** The parent of `pid`, or null once it is gone (or off Linux). */
const parentOf = (pid: number): number | null => readStat(pid)?.ppid ?? null;

/** A non-interactive shell running one command line (`sh -c ...`): npm's and npx's script shell. */
function isShellWrapper(pid: number): boolean {
  const argv = readCmdline(pid) ?? [];
  return /(^|\/)(sh|dash|bash|zsh)$/.test(argv[0] ?? '') && argv[1] === '-c';
}

/** The shell wrappers above us, each with the parent it has now (our own parent is process.ppid). */
function wrappersAbove(): { pid: number; parent: number }[] {
  const out: { pid: number; parent: number }[] = [];
  let pid = process.ppid;
  while (out.length < MAX_WRAPPERS && pid > 1 && isShellWrapper(pid)) {
    const parent = parentOf(pid);
    if (parent === null) break;
    out.push({ pid, parent });
    pid = parent;
  }
  return out;
}

/** Calls `onGone` once when the parent we started with is gone; returns a function that stops watching. */
export function onParentDeath(onGone: () => void, intervalMs = POLL_MS): () => void {
  const parent = process.ppid;
  const wrappers = wrappersAbove();
  const timer = setInterval(() => {
    if (process.ppid === parent && wrappers.every((w) => parentOf(w.pid) === w.parent)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The usual answer to the parent's death: whatever SIGTERM would do. The process's own SIGTERM
 * listeners run its normal shutdown (stop its children, then exit); with none installed yet it
 * exits 143 at once, so its 'exit' handlers (which kill registered children) still run.
 */
export function stopWithParent(intervalMs = POLL_MS): () => void {
  return onParentDeath(() => {
    if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
    else process.exit(143);
  }, intervalMs);
}

/**
 * SIGINT and SIGTERM run `stop` (stop every child) once, then exit with `code`; the returned
 * function says whether that has begun. `on`, not `once`:
 * a Ctrl-C arrives twice under `npm run` (the group's, then npm's forward), and the default action
 * of the second would end the process before its children are stopped.
 */
export function stopOnSignals(stop: () => Promise<unknown>, code: number): () => boolean {
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => stopping;
}
