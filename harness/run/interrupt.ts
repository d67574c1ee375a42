import { killAllNow } from '../targets/children.ts';

/** Shell convention: 128 + signal number. */
export const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Run `fn` with SIGINT/SIGTERM turned into an abort: the run loop stops every child in its
 * `finally` and writes nothing. A second signal does not wait: every child group is killed and
 * the process exits at once.
 */
export async function withInterrupts<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const handler = (sig: 'SIGINT' | 'SIGTERM') => {
    if (controller.signal.aborted) {
      killAllNow();
      process.exit(SIGNAL_EXIT[sig]);
    }
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
