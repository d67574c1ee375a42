import { ExitCode, verdictExitCode } from '../../common/exit-codes.ts';
import type { Result } from './schema.ts';

/**
 * The exit code of a finished run (README, "Exit codes"): a scenario that could not run is 2 (its
 * error says why), then the verdict: fail 1, inconclusive 3 (0 with --inconclusive=pass), pass 0.
 */
export function exitCodeFor(result: Result, inconclusivePass: boolean): ExitCode {
  if (result.scenarios.some((s) => s.error)) return ExitCode.BadInput;
  return verdictExitCode(result.verdict, inconclusivePass);
}
