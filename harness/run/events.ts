import type { Result, WindowResult, ScenarioResult } from '../result/schema.ts';

/**
 * What the run loop reports while it runs (autocannon/tinybench style): the loop never touches
 * the terminal; the console (harness/console/) and tests only listen.
 */
export type Phase = 'initial-warmup' | 'warmup' | 'measure';
export type VariantName = 'baseline' | 'instrumented';

export type RunEvent =
  | { type: 'run-start'; scenarios: { name: string; profile: string; plannedSec: number }[]; plannedSec: number }
  | { type: 'scenario-start'; scenario: string; index: number; count: number; plannedSec: number }
  | { type: 'scenario-ready'; scenario: string; baseline: string; instrumented: string; world: string | null }
  /** `variant` is 'both' for a duet's windows (both variants at once). */
  | { type: 'window-start'; scenario: string; round: number; rounds: number; variant: VariantName | 'both'; phase: Phase; durationSec: number }
  | { type: 'round-done'; scenario: string; result: WindowResult }
  | { type: 'scenario-end'; result: ScenarioResult }
  | { type: 'run-end'; result: Result };

export type RunListener = (event: RunEvent) => void;
