import type { ScenarioInput } from './schema.ts';

/**
 * Identity at run time; gives a scenario file type checking and completion. Validation happens
 * when the harness loads the file, so a plain object (JSON, JS) is just as good.
 */
export function defineScenario<const T extends ScenarioInput>(scenario: T): T {
  return scenario;
}
