import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsxExecArgv } from '../../common/tsx.ts';

/** The overbench package (a checkout or node_modules/overbench): where daemon/main.ts and fakes/main.ts live. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Node arguments that run a TypeScript entry point of this package: `--import <tsx> <abs file> ...args`. */
export function tsxArgs(relFile: string, args: readonly string[] = []): string[] {
  return tsxExecArgv(path.join(REPO_ROOT, relFile), ...args);
}

/** fork() execArgv that loads tsx from this package, whatever the child's working directory. */
export const TSX_EXEC_ARGV = tsxExecArgv();
