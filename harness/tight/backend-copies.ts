import { register } from 'node:module';
import type { BackendName } from '../../daemon/metrics/types.ts';

type SubjectsModule = typeof import('./subjects.ts');

let registered = false;
/** This package's root: files under it (not node_modules) are copied per backend. */
const ROOT = new URL('../../', import.meta.url).href;

/**
 * subjects.ts and everything of this package it imports (the daemon's connection, calls,
 * tools, metrics backends...) as a separate module instance per backend: each backend's copy of
 * every daemon function only ever sees that backend's class, as in a daemon that runs one
 * backend, while all copies share the worker's process and heap (module-copies.mjs). Copy
 * numbers give one backend several independent copies (task.ts).
 */
export async function subjectsFor(backend: BackendName, copy = 0): Promise<SubjectsModule> {
  if (!registered) {
    register(new URL('./module-copies.mjs', import.meta.url), { data: { root: ROOT } });
    registered = true;
  }
  return (await import(new URL(`./subjects.ts?copy=${backend}${copy === 0 ? '' : `.${copy}`}`, import.meta.url).href)) as SubjectsModule;
}
