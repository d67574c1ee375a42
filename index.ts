/** Public API of overbench: what a user's scenario file or script may import. */
export { defineScenario } from './harness/scenario/define.ts';
export type { Scenario } from './harness/scenario/schema.ts';
export type { Result, ScenarioResult, RoundResult, Comparison, Verdict } from './harness/result/schema.ts';
