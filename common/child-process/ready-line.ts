import { UsageError } from '../exit-codes.ts';
import type { Child } from './child.ts';
import { describeTail } from './output.ts';

/** The line as a JSON object, or null (a log line, even one that merely starts with "{"). */
function jsonObject(line: string): Record<string, unknown> | null {
  const t = line.trim();
  if (!t.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * A child's ready line: the first JSON object on its stdout that `accept` takes (the daemon's
 * {"event":"ready",...}, the fakes' endpoints); lines before it are skipped. If the child ends or
 * stays silent for `timeoutMs` first, it is stopped and a UsageError says why with its last stderr
 * lines: what we were asked to run did not come up (exit 2).
 */
export async function readyLine<T>(child: Child, accept: (v: Record<string, unknown>) => boolean = () => true, timeoutMs = 60_000): Promise<T> {
  const stdout = child.stdout;
  if (!stdout) throw new Error(`${child.name}: stdout is not piped, no ready line can be read`);
  let timer: NodeJS.Timeout | undefined;
  let off = (): void => {};
  const line = new Promise<T>((resolve) => {
    const take = (l: string): boolean => {
      const v = jsonObject(l);
      if (v === null || !accept(v)) return false;
      resolve(v as T);
      return true;
    };
    // A line that came before we listened counts too.
    if (!stdout.last().some(take)) off = stdout.onLine(take);
  });
  const outcome = await Promise.race([
    line,
    child.ended.then((why) => new UsageError(why)),
    new Promise<UsageError>((resolve) => {
      timer = setTimeout(() => resolve(new UsageError(`${child.name}: no ready line within ${timeoutMs / 1000} s${describeTail(child.stderr)}`)), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  off();
  if (outcome instanceof UsageError) {
    await child.stop();
    throw outcome;
  }
  return outcome;
}
