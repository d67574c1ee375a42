import { runRepoProgram } from './run-child.ts';

/** `overbench daemon`: the reference daemon, configured by its environment (daemon/README.md). */
export function run(argv: string[]): Promise<number> {
  return runRepoProgram('daemon/main.ts', argv);
}
