import { createRng } from '../../common/latency.ts';
import type { ScenarioResult } from '../result/schema.ts';
import { bootstrapMean } from './bootstrap.ts';

export interface NsInterval {
  mean: number;
  low: number;
  high: number;
  n: number;
}

/** One variant's ns/op over its valid rounds (a tight scenario's unit of measure). */
export function nsPerOpValues(s: ScenarioResult, variant: 'baseline' | 'instrumented'): number[] {
  return s.rounds.filter((r) => r.valid && r.variant === variant && r.nsPerOp !== undefined).map((r) => r.nsPerOp!);
}

/**
 * Mean ns/op with a 95% bootstrap interval, seeded so that the console table and the HTML report
 * are reproducible; null without rounds.
 */
export function nsInterval(xs: readonly number[], seed: number): NsInterval | null {
  if (xs.length === 0) return null;
  const ci = bootstrapMean(xs, createRng(seed), 2000);
  return { mean: ci.estimate, low: ci.low, high: ci.high, n: xs.length };
}
