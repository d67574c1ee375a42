/** Exit codes are the CI gate's contract (README, "Commands"): never use bare numbers elsewhere. */
export const ExitCode = {
  Pass: 0,
  Fail: 1,
  BadInput: 2,
  Inconclusive: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A fault of the user's input (usage, scenario file, unreachable target): printed as one line,
 * exit 2. Anything else thrown is a harness bug and keeps its stack.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The gate's exit code for a verdict; `--inconclusive=pass` lets noise through. */
export function verdictExitCode(verdict: 'pass' | 'fail' | 'inconclusive', inconclusiveIsPass = false): ExitCode {
  if (verdict === 'pass') return ExitCode.Pass;
  if (verdict === 'fail') return ExitCode.Fail;
  return inconclusiveIsPass ? ExitCode.Pass : ExitCode.Inconclusive;
}
