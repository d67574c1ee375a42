import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The overbench checkout: where daemon/main.ts and fakes/main.ts live. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * tsx's loader by absolute URL: a bare `--import tsx` resolves from the child's cwd, which is the
 * user's project when overbench runs elsewhere.
 */
const TSX_LOADER = resolveTsx();

function resolveTsx(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  }
}

/** Node arguments that run a TypeScript entry point of this repo: `--import tsx <file> ...args`. */
export function tsxArgs(relFile: string, args: readonly string[] = []): string[] {
  return ['--import', TSX_LOADER, path.join(REPO_ROOT, relFile), ...args];
}

export const TSX_EXEC_ARGV = ['--import', TSX_LOADER];
