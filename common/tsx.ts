/**
 * How a child runs one of this package's TypeScript files: `node --import <tsx's loader> file.ts`.
 * The loader is resolved from this file, i.e. from the package, by absolute URL: a bare
 * `--import tsx` resolves from the child's working directory, which is the user's project (or
 * anywhere) when overbench is installed as a dependency or run from another folder.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The overbench package (a checkout or node_modules/overbench): where daemon/main.ts and fakes/main.ts live. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** execArgv for fork(), or the leading arguments of spawn(process.execPath, ...): a fresh array. */
export function tsxExecArgv(...extra: string[]): string[] {
  return ['--import', TSX_LOADER, ...extra];
}

/** Node arguments that run a TypeScript entry point of this package: `--import <tsx> <abs file> ...args`. */
export function tsxArgs(relFile: string, args: readonly string[] = []): string[] {
  return tsxExecArgv(path.join(REPO_ROOT, relFile), ...args);
}
