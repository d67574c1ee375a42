import type { Calibration } from '../result/calibration.ts';
import type { Result } from '../result/schema.ts';
import type { HistoryEntry } from './history.ts';

/** How an inconclusive verdict is treated by a gate and by JUnit: as a failure (default) or a pass. */
export type InconclusivePolicy = 'fail' | 'pass';

/** Everything a reporter may use besides the result. Reporters are pure functions of these. */
export interface RenderContext {
  /** Earlier runs (history.jsonl), for trends; empty when there is none. */
  history: readonly HistoryEntry[];
  inconclusive: InconclusivePolicy;
  /** Names of the two sides; compare renders OLD vs NEW through the same reporters. */
  labels: { baseline: string; instrumented: string };
  /** Heading of the report; defaults to the run id. */
  title?: string;
  /** The newest `overbench calibrate` output beside the run's reports: the HTML shows the power of each scenario it covers. */
  calibration?: Calibration;
}

export const defaultContext = (over: Partial<RenderContext> = {}): RenderContext => ({
  history: [],
  inconclusive: 'fail',
  labels: { baseline: 'baseline', instrumented: 'instrumented' },
  ...over,
});

/** One output format. Every reporter reads the same finished result (vitest's reporter model). */
export interface Reporter {
  readonly name: string;
  /** File name written beside result.json by a run. */
  readonly defaultFile: string;
  render(result: Result, ctx: RenderContext): string;
}
