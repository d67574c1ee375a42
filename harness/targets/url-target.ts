import { UsageError } from '../../common/exit-codes.ts';
import { alive } from '../../common/proc.ts';
import { waitForHandshake, type Protocol } from './ready.ts';
import type { RunningTarget } from './types.ts';

/**
 * `url:ws://...`: a daemon someone else runs. We never stop it; with a pid we measure its process
 * tree and notice when it disappears.
 */
export async function connectUrlTarget(opts: {
  url: string;
  pid?: number;
  protocol: Protocol;
  token?: string;
  label: string;
}): Promise<RunningTarget> {
  if (opts.pid !== undefined && !alive(opts.pid)) {
    throw new UsageError(`${opts.label} pid ${opts.pid}: no such process`);
  }
  const notReady = await waitForHandshake({ url: opts.url, protocol: opts.protocol, token: opts.token, timeoutMs: 5000 });
  if (notReady) throw new UsageError(`${opts.label} target ${opts.url}: ${notReady}`);
  let poll: NodeJS.Timeout | undefined;
  const died = new Promise<string>((resolve) => {
    if (opts.pid === undefined) return;
    poll = setInterval(() => {
      if (!alive(opts.pid!)) {
        clearInterval(poll);
        resolve(`${opts.label} target ${opts.url}: pid ${opts.pid} is gone`);
      }
    }, 500);
    poll.unref();
  });
  return {
    target: `url:${opts.url}`,
    url: opts.url,
    pid: opts.pid ?? null,
    monitoringUrl: null,
    died,
    stop: async () => clearInterval(poll),
  };
}
