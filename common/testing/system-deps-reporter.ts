/**
 * Closes a test run with one line naming the system binaries that were missing, how many tests
 * that skipped, and the command that installs them (see system-deps.ts). Silent when nothing
 * was skipped for a missing binary.
 */
import type { Reporter, TestModule } from 'vitest/node';
import { DEBIAN_PACKAGE, type SystemDep } from './system-deps.ts';

const TAG = /\[needs ([a-z, -]+)\]/;

/** Skipped tests per missing dep, from the `[needs ...]` tags in their full names. */
export function countSkippedByDep(modules: ReadonlyArray<TestModule>): Map<SystemDep, number> {
  const counts = new Map<SystemDep, number>();
  for (const mod of modules) {
    for (const test of mod.children.allTests('skipped')) {
      const m = TAG.exec(test.fullName);
      if (!m) continue;
      for (const dep of m[1].split(', ') as SystemDep[]) {
        if (dep in DEBIAN_PACKAGE) counts.set(dep, (counts.get(dep) ?? 0) + 1);
      }
    }
  }
  return counts;
}

export function summaryLine(counts: Map<SystemDep, number>): string | undefined {
  if (counts.size === 0) return undefined;
  const deps = [...counts.keys()].sort();
  const what = deps.map((d) => `${d} (${counts.get(d)} test${counts.get(d) === 1 ? '' : 's'})`).join(', ');
  const pkgs = deps.map((d) => DEBIAN_PACKAGE[d]).join(' ');
  return `Skipped for missing system binaries: ${what}. Install them with: sudo apt-get update && sudo apt-get install -y ${pkgs}`;
}

export default class SystemDepsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const line = summaryLine(countSkippedByDep(modules));
    if (line) process.stdout.write(`\n${line}\n`);
  }
}
