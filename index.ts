/** Public API of overbench: what a user's scenario file or script may import. */
export { defineScenario } from './harness/scenario/define.ts';
export type { Scenario, ScenarioInput } from './harness/scenario/schema.ts';
export type { Result, ScenarioResult, WindowResult, Comparison, Verdict } from './harness/result/schema.ts';
import type { WindowResult } from './harness/result/schema.ts';
/**
 * @deprecated Renamed `WindowResult`: an entry of a scenario's `rounds` is one variant's measured
 * window, two per round. The JSON is unchanged.
 */
export type RoundResult = WindowResult;
/** Programmatic runs: load scenario files, run them, listen to the run's events. */
export { loadScenarios } from './harness/scenario/load.ts';
export { runRealistic, type RealisticOptions } from './harness/run/realistic.ts';
export type { RunOutcome } from './harness/result/build.ts';
export type { RunEvent, RunListener } from './harness/run/events.ts';
