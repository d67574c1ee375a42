import path from 'node:path';
import { consoleReporter } from '../console/reporter.ts';
import { writeRun } from '../report/write-run.ts';
import type { Result } from '../result/schema.ts';
import { RunAborted } from '../run/guard.ts';
import { SIGNAL_EXIT, withInterrupts } from '../run/interrupt.ts';
import { runRealistic } from '../run/realistic.ts';
import { buildResult, exitCodeFor } from '../run/result.ts';
import { randomSeed } from '../run/seeds.ts';
import { loadScenarios } from '../scenario/load.ts';
import { PROFILE_NAMES, type ProfileName } from '../scenario/schema.ts';
import { installExitCleanup } from '../targets/children.ts';
import { ExitCode, UsageError } from './exit-codes.ts';
import { commandLine, intFlag, parseFlags } from './flags.ts';

const USAGE = `usage: overbench realistic [--scenario NAME|PATH]... [--profile smoke|ci|full] [--backend B]
  [--baseline TARGET] [--instrumented TARGET] [--baseline-pid N] [--instrumented-pid N]
  [--rounds N] [--seed N] [--out DIR] [--json] [--inconclusive=pass]
TARGET: "spawn:CMD ARGS" ({port}, $PORT, $EXAI_WS_PORT) or "url:ws://host:port"; none = the reference daemon
exit: 0 pass, 1 budget failed, 2 bad input or target fault, 3 inconclusive`;

export const REALISTIC_FLAGS = {
  scenario: { type: 'string', multiple: true },
  profile: { type: 'string' },
  backend: { type: 'string' },
  baseline: { type: 'string' },
  instrumented: { type: 'string' },
  'baseline-pid': { type: 'string' },
  'instrumented-pid': { type: 'string' },
  rounds: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  inconclusive: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function profileFlag(value: string | undefined): ProfileName | undefined {
  if (value === undefined) return undefined;
  if (!(PROFILE_NAMES as readonly string[]).includes(value)) throw new UsageError(`--profile "${value}": expected one of ${PROFILE_NAMES.join(', ')}`);
  return value as ProfileName;
}

export function inconclusiveFlag(value: string | undefined): boolean {
  if (value === undefined || value === 'fail') return false;
  if (value === 'pass') return true;
  throw new UsageError(`--inconclusive "${value}": expected pass`);
}

/** Print the outcome: the JSON alone, or where the result went plus one line per scenario error. */
export function printOutcome(result: Result, files: string[], json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    process.stdout.write(`verdict: ${result.verdict.toUpperCase()} over ${result.comparisonsMade ?? 0} comparisons (seed ${result.seed})\n`);
    process.stdout.write(`result: ${files[0]}\n`);
  }
  for (const s of result.scenarios) if (s.error) process.stderr.write(`overbench: scenario ${s.name}: ${s.error}\n`);
}

export async function run(argv: string[]): Promise<number> {
  const { values: f } = parseFlags(argv, REALISTIC_FLAGS);
  if (f.help) {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.Pass;
  }
  const profile = profileFlag(f.profile);
  const inconclusivePass = inconclusiveFlag(f.inconclusive);
  const seed = intFlag('seed', f.seed, 0) ?? randomSeed();
  const rounds = intFlag('rounds', f.rounds, 1);
  const baselinePid = intFlag('baseline-pid', f['baseline-pid'], 1);
  const instrumentedPid = intFlag('instrumented-pid', f['instrumented-pid'], 1);
  const outDir = path.resolve(f.out ?? 'reports');
  installExitCleanup();
  const scenarios = await loadScenarios(f.scenario ?? []);
  const reporter = f.json ? null : consoleReporter();
  const startedAt = new Date();
  try {
    return await withInterrupts(async (signal) => {
      const outcome = await runRealistic({
        scenarios,
        seed,
        signal,
        onEvent: reporter?.listener,
        profile,
        backend: f.backend,
        baseline: f.baseline,
        instrumented: f.instrumented,
        baselinePid,
        instrumentedPid,
        rounds,
      });
      const result = buildResult({ ...outcome, startedAt, seed, command: commandLine('realistic', argv) });
      const { files } = await writeRun(result, { outDir, inconclusive: inconclusivePass ? 'pass' : 'fail' });
      reporter?.listener({ type: 'run-end', result });
      printOutcome(result, files, Boolean(f.json));
      return exitCodeFor(result, inconclusivePass);
    });
  } catch (e) {
    if (e instanceof RunAborted) return SIGNAL_EXIT[e.signalName as 'SIGINT' | 'SIGTERM'] ?? ExitCode.BadInput;
    throw e;
  } finally {
    reporter?.dispose();
  }
}
