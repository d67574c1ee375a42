import type { RunListener } from '../run/events.ts';
import { ProgressLine } from './progress.ts';
import { renderScenario } from './scenario-table.ts';

/**
 * Prints a run as it goes, from its events: a live progress line on stderr when it is a TTY (else
 * one line per scenario on stdout), a table per scenario on stdout as each finishes. `--json` mode
 * uses no printer at all (stdout carries only the JSON).
 */
export function runPrinter(opts: { out?: NodeJS.WriteStream; err?: NodeJS.WriteStream } = {}): { listener: RunListener; dispose(): void } {
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  // Without a terminal, stderr stays for errors only (CI logs, `2>` captures): progress goes to stdout.
  const progress = err.isTTY ? new ProgressLine(err) : new ProgressLine(out, false);
  const listener: RunListener = (e) => {
    progress.listener(e);
    if (e.type === 'scenario-end') out.write(`${renderScenario(e.result)}\n\n`);
  };
  return { listener, dispose: () => progress.stop() };
}
