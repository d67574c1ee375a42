import { consoleReporter } from '../console/reporter.ts';
import type { InconclusivePolicy } from '../report/reporter.ts';
import { writeRun } from '../report/write-run.ts';
import type { Result } from '../result/schema.ts';
import type { RunListener } from '../run/events.ts';
import { RunAborted } from '../run/guard.ts';
import { SIGNAL_EXIT, withInterrupts } from '../run/interrupt.ts';
import type { RealisticOutcome } from '../run/realistic.ts';
import { buildResult, exitCodeFor } from '../run/result.ts';
import { ExitCode } from '../../common/exit-codes.ts';
import { commandLine } from './flags.ts';

/** Print the outcome: the JSON alone, or where the result went plus one line per scenario error. */
export function printOutcome(result: Result, files: string[], json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    process.stdout.write(`verdict: ${result.verdict.toUpperCase()} over ${result.comparisonsMade ?? 0} comparisons (seed ${result.seed})\n`);
    process.stdout.write(`result: ${files[0]}\n`);
  }
  for (const s of result.scenarios) if (s.error) process.stderr.write(`overbench: scenario ${s.name}: ${s.error}\n`);
}

/**
 * The life of a `realistic` or `gate` run around its scenarios: console progress (unless --json),
 * Ctrl-C/SIGTERM handling, then one result file, the printed outcome and the exit code.
 */
export async function runAndReport(
  o: { sub: string; argv: readonly string[]; seed: number; outDir: string; json: boolean; inconclusive: InconclusivePolicy },
  scenarios: (signal: AbortSignal, onEvent: RunListener | undefined) => Promise<RealisticOutcome>,
): Promise<number> {
  const reporter = o.json ? null : consoleReporter();
  const startedAt = new Date();
  try {
    return await withInterrupts(async (signal) => {
      const outcome = await scenarios(signal, reporter?.listener);
      const result = buildResult({ ...outcome, startedAt, seed: o.seed, command: commandLine(o.sub, o.argv) });
      const { files } = await writeRun(result, { outDir: o.outDir, inconclusive: o.inconclusive });
      reporter?.listener({ type: 'run-end', result });
      printOutcome(result, files, o.json);
      return exitCodeFor(result, o.inconclusive === 'pass');
    });
  } catch (e) {
    if (e instanceof RunAborted) return SIGNAL_EXIT[e.signalName as 'SIGINT' | 'SIGTERM'] ?? ExitCode.BadInput;
    throw e;
  } finally {
    reporter?.dispose();
  }
}
