import { envInfo, newRunId, toolInfo } from '../result/build.ts';
import { SCHEMA_VERSION, type Result, type ScenarioResult } from '../result/schema.ts';
import { overallVerdict } from '../stats/compare.ts';
import { ExitCode, verdictExitCode } from '../../common/exit-codes.ts';

/** The result file of a run (realistic, tight, or both for the gate). */
export function buildResult(args: {
  scenarios: ScenarioResult[];
  world: Result['env']['world'];
  startedAt: Date;
  seed: number;
  command: string;
}): Result {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    runId: newRunId(args.startedAt),
    startedAt: args.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: args.command,
    seed: args.seed,
    env: envInfo(args.world),
    verdict: overallVerdict(args.scenarios.map((s) => s.verdict)),
    comparisonsMade: args.scenarios.reduce((n, s) => n + s.comparisons.length, 0),
    scenarios: args.scenarios,
  };
}

/**
 * DESIGN.md exit codes: a scenario that could not run is 2 (its error says why), then the verdict:
 * fail 1, inconclusive 3 (0 with --inconclusive=pass), pass 0.
 */
export function exitCodeFor(result: Result, inconclusivePass: boolean): ExitCode {
  if (result.scenarios.some((s) => s.error)) return ExitCode.BadInput;
  return verdictExitCode(result.verdict, inconclusivePass);
}
