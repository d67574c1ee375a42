import { runPrinter } from '../console/run-printer.ts';
import type { InconclusivePolicy } from '../report/reporter.ts';
import { writeRun } from '../report/write-run.ts';
import { buildResult, type RunOutcome } from '../result/build.ts';
import { exitCodeFor } from '../result/exit-code.ts';
import type { Result } from '../result/schema.ts';
import type { RunListener } from '../run/events.ts';
import { RunAborted } from '../run/guard.ts';
import { SIGNAL_EXIT, withInterrupts } from '../run/interrupt.ts';
import { installExitCleanup } from '../targets/children.ts';
import { ExitCode } from '../../common/exit-codes.ts';
import { commandLine } from './flags.ts';

/** What every measuring command (tight, realistic, gate) hands the lifecycle besides its body. */
export interface RunCommand {
  /** The subcommand, for the result's `command`. */
  sub: string;
  argv: readonly string[];
  seed: number;
  outDir: string;
  /** --json: stdout carries the result JSON alone (no progress, no tables). */
  json: boolean;
  inconclusive: InconclusivePolicy;
  /** Printed on stdout before the verdict line, unless --json (tight's table of every backend). */
  summary?: (result: Result) => string;
}

/**
 * The measuring part of a command. It stops at the next step once `signal` aborts (SIGINT/SIGTERM),
 * ending every process it started, and throws RunAborted. `onEvent` prints progress (none with --json).
 */
export type RunBody = (signal: AbortSignal, onEvent: RunListener | undefined) => Promise<RunOutcome>;

/** Print the outcome: the JSON alone, or where the result went plus one line per scenario error. */
function printOutcome(result: Result, files: string[], json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    process.stdout.write(`verdict: ${result.verdict.toUpperCase()} over ${result.comparisonsMade ?? 0} comparisons (seed ${result.seed})\n`);
    process.stdout.write(`result: ${files[0]}\n`);
  }
  for (const s of result.scenarios) if (s.error) process.stderr.write(`overbench: scenario ${s.name}: ${s.error}\n`);
}

/**
 * The stop handling of every measuring command (realistic, tight, gate, calibrate): children are
 * ended at exit, and SIGINT/SIGTERM abort `measure` (which stops every process it started and
 * throws RunAborted): nothing is written and the exit code is 130/143. A signal that came as
 * `measure` finished still means "stop": `conclude` (writing, printing) never runs then, and one
 * that comes while it writes ends the writing: the files already complete stay, the one being
 * written is dropped (writes are atomic), and the exit code is still 130/143.
 */
export async function interruptible<T>(
  measure: (signal: AbortSignal) => Promise<T>,
  conclude: (value: T, signal: AbortSignal) => Promise<number>,
): Promise<number> {
  installExitCleanup();
  try {
    return await withInterrupts(async (signal) => {
      const value = await measure(signal);
      if (signal.aborted) throw new RunAborted(String(signal.reason));
      const code = await conclude(value, signal);
      // A stop that came while concluding (printing after the files) is still a stop.
      if (signal.aborted) throw new RunAborted(String(signal.reason));
      return code;
    });
  } catch (e) {
    if (e instanceof RunAborted) return SIGNAL_EXIT[e.signalName as keyof typeof SIGNAL_EXIT] ?? ExitCode.BadInput;
    throw e;
  }
}

/**
 * The one life of every result-writing command around its body: console progress (unless
 * --json), the stop handling of `interruptible`, then one result built, written with every report
 * (reports/<run-id>/, latest.*, history), the printed outcome, and the exit code of its verdict
 * (README, "Exit codes"; --inconclusive=pass).
 */
export async function runAndReport(cmd: RunCommand, body: RunBody): Promise<number> {
  const printer = cmd.json ? null : runPrinter();
  const startedAt = new Date();
  try {
    return await interruptible(
      (signal) => body(signal, printer?.listener),
      async (outcome, signal) => {
        const result = buildResult({ ...outcome, startedAt, seed: cmd.seed, command: commandLine(cmd.sub, cmd.argv) });
        const written = await writeRun(result, { outDir: cmd.outDir, inconclusive: cmd.inconclusive, signal });
        printer?.listener({ type: 'run-end', result: written.result });
        if (cmd.summary && !cmd.json) process.stdout.write(`${cmd.summary(written.result)}\n`);
        printOutcome(written.result, written.files, cmd.json);
        return exitCodeFor(result, cmd.inconclusive === 'pass');
      },
    );
  } finally {
    printer?.dispose();
  }
}
