import { runRepoProgram } from './run-child.ts';

/** `overbench fakes [--provider-latency ...] [--config FILE]`: the fake world; flags go to fakes/main.ts. */
export function run(argv: string[]): Promise<number> {
  return runRepoProgram('fakes/main.ts', argv);
}
