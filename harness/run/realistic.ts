import type { RunOutcome } from '../result/build.ts';
import type { ScenarioResult } from '../result/schema.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import type { RunListener } from './events.ts';
import { planScenarios, type RunOverrides } from './plan.ts';
import { runScenario, type ScenarioOutcome } from './scenario-run.ts';

export interface RealisticOptions extends RunOverrides {
  scenarios: readonly LoadedScenario[];
  seed: number;
  signal: AbortSignal;
  onEvent?: RunListener;
}

/**
 * Every selected scenario, one after another (never two at once: they would measure each other).
 * All scenarios are planned and checked before the first process starts; a bad one is exit 2
 * with nothing started. The outcome's world is that of the first scenario that had fakes.
 */
export async function runRealistic(opts: RealisticOptions): Promise<RunOutcome> {
  const emit: RunListener = opts.onEvent ?? (() => {});
  const plans = planScenarios(opts.scenarios, opts, opts.seed);
  emit({
    type: 'run-start',
    scenarios: plans.map((p) => ({ name: p.scenario.name, profile: p.scenario.profile, plannedSec: p.plannedSec })),
    plannedSec: plans.reduce((s, p) => s + p.plannedSec, 0),
  });
  const scenarios: ScenarioResult[] = [];
  let world: ScenarioOutcome['world'] = null;
  for (const [index, plan] of plans.entries()) {
    const outcome = await runScenario(plan, { index, count: plans.length }, { signal: opts.signal, emit });
    scenarios.push(outcome.result);
    world ??= outcome.world;
  }
  return { scenarios, world };
}
