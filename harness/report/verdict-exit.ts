import { ExitCode } from '../cli/exit-codes.ts';
import type { Verdict } from '../result/schema.ts';
import type { InconclusivePolicy } from './reporter.ts';

/** DESIGN.md: 0 every budget passed, 1 a budget failed, 3 inconclusive unless --inconclusive=pass. */
export function verdictExitCode(verdict: Verdict, inconclusive: InconclusivePolicy): number {
  if (verdict === 'pass') return ExitCode.Pass;
  if (verdict === 'fail') return ExitCode.Fail;
  return inconclusive === 'pass' ? ExitCode.Pass : ExitCode.Inconclusive;
}

/** Parses the value of --inconclusive; anything but pass|fail is a usage error the caller reports. */
export function parseInconclusive(value: string | undefined): InconclusivePolicy | null {
  if (value === undefined || value === 'fail') return 'fail';
  if (value === 'pass') return 'pass';
  return null;
}
