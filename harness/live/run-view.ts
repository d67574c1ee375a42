/**
 * The glue between `overbench realistic --dashboard [PORT]` and the live view: the flag's value,
 * the view started before the run and fed its events beside the console printer and the drivers'
 * reports of each window in progress (asked for only while the view is up), and after the
 * run the report linked; the view then stays up while a page is open (at most LINGER_MS, Ctrl-C
 * ends it), so the link can be followed.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../common/exit-codes.ts';
import { watchDriverProgress } from '../driver/progress.ts';
import type { RunListener } from '../run/events.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import type { Budgets, ProfileName } from '../scenario/schema.ts';
import { startLiveView, type LiveView } from './live-server.ts';

const LINGER_MS = 60_000;

/** `--dashboard` may come without a value (then a free port): give it one before parsing. */
export function normaliseDashboardArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === '--dashboard' && (next === undefined || next.startsWith('-'))) out.push('--dashboard=0');
    else out.push(argv[i]);
  }
  return out;
}

export function dashboardPortFlag(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`--dashboard "${value}": expected a port 0..65535 (0 or none = a free one)`);
  return n;
}

export interface RunView {
  readonly url: string;
  /** The console's listener and the view's, as one. */
  listen(onEvent: RunListener | undefined): RunListener;
  /** After the run: link the report written under `outDir` (if this run wrote one), linger, close. */
  finish(outDir: string): Promise<void>;
}

export async function startRunView(opts: { port: number; scenarios: readonly LoadedScenario[]; profile: ProfileName | undefined; seed: number }): Promise<RunView> {
  const budgets = new Map<string, Budgets>();
  for (const { scenario: s } of opts.scenarios) budgets.set(s.name, { ...s.budgets, ...(opts.profile ? s.profiles?.[opts.profile]?.budgets : undefined) });
  const startedMs = Date.now();
  let view: LiveView;
  try {
    view = await startLiveView({ port: opts.port, budgetsOf: (name) => budgets.get(name), seed: opts.seed });
  } catch (err) {
    throw new UsageError(`--dashboard ${opts.port}: cannot listen on 127.0.0.1 (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  process.stderr.write(`overbench: live view of this run at ${view.url}\n`);
  // The drivers report each window in progress while the view is up, and only then.
  const unwatch = watchDriverProgress((p) => view.onProgress(p));
  return {
    url: view.url,
    listen: (onEvent) => (e) => {
      onEvent?.(e);
      view.onEvent(e);
    },
    async finish(outDir) {
      unwatch();
      const file = path.join(outDir, 'latest.html');
      const written = await stat(file).then((s) => s.mtimeMs >= startedMs - 1000, () => false);
      view.reportReady(written ? file : null);
      if (written && view.viewers > 0) {
        process.stderr.write(`overbench: the report is linked at ${view.url}/report; the view stays up while a page is open (at most ${LINGER_MS / 1000} s, Ctrl-C to leave)\n`);
        await new Promise<void>((resolve) => {
          const end = Date.now() + LINGER_MS;
          const timer = setInterval(() => {
            if (view.viewers === 0 || Date.now() > end) done();
          }, 250);
          const done = () => {
            clearInterval(timer);
            process.off('SIGINT', done);
            process.off('SIGTERM', done);
            resolve();
          };
          process.on('SIGINT', done);
          process.on('SIGTERM', done);
        });
      }
      await view.close();
    },
  };
}
