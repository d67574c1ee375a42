import { killAllNow } from '../targets/children.ts';

/**
 * A signal this soon after the first is the same stop, not a second one: a Ctrl-C reaches the whole
 * process group, and `npm run` forwards it to its child again, so the CLI gets it twice in a few ms.
 */
export const REPEAT_WINDOW_MS = 1000;

/** Shell convention: 128 + signal number. */
export const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Run `fn` with SIGINT/SIGTERM turned into an abort: the run loop stops every child in its
 * `finally` and writes nothing. A second signal (later than REPEAT_WINDOW_MS) does not wait: every
 * child group is killed and the process exits at once.
 */
export async function withInterrupts<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let firstAt = 0;
  const handler = (sig: 'SIGINT' | 'SIGTERM') => {
    if (controller.signal.aborted) {
      if (Date.now() - firstAt < REPEAT_WINDOW_MS) return;
      killAllNow();
      process.exit(SIGNAL_EXIT[sig]);
    }
    firstAt = Date.now();
    process.stderr.write(`\noverbench: ${sig}: stopping every process (again to force)\n`);
    controller.abort(sig);
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
