/**
 * Tests that need a system binary (redis-server, PostgreSQL, Chromium) run where it is installed,
 * are skipped where it is not, and say so: their suite's name carries `[needs <dep>]`, which the
 * summary reporter (system-deps-reporter.ts) counts into one closing line with the install
 * command. With OVERBENCH_REQUIRE_SYSTEM_DEPS=1 (CI) a missing binary fails instead of skipping,
 * so CI can never go green by skipping.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';
import { findChromium, findOnPath, findPgBinDir, findRunuser } from '../binaries.ts';

export type SystemDep = 'redis-server' | 'postgres' | 'chromium' | 'python-websockets';

/** The Debian package that brings each binary. */
export const DEBIAN_PACKAGE: Record<SystemDep, string> = {
  'redis-server': 'redis-server',
  postgres: 'postgresql',
  chromium: 'chromium',
  'python-websockets': 'python3-websockets',
};

/**
 * A Python 3 that can `import websockets` (examples/python-daemon): python3 on PATH, else Debian's
 * /usr/bin/python3 (where apt installs python3-websockets, whatever pyenv or a venv put first).
 */
export function findPythonWithWebsockets(): string | undefined {
  const candidates = [findOnPath('python3'), '/usr/bin/python3'].filter((p): p is string => p !== undefined);
  return candidates.find((py) => spawnSync(py, ['-c', 'import websockets'], { stdio: 'ignore', timeout: 10_000 }).status === 0);
}

const FINDERS: Record<SystemDep, () => string | undefined> = {
  'redis-server': () => findOnPath('redis-server'),
  // As root, PostgreSQL runs through runuser (fakes/supabase/postgres-cluster.ts): both or neither.
  postgres: () => (process.getuid?.() === 0 && findRunuser() === undefined ? undefined : findPgBinDir()),
  chromium: () => findChromium(),
  'python-websockets': findPythonWithWebsockets,
};

const found = new Map<SystemDep, boolean>();

export function hasSystemDep(dep: SystemDep): boolean {
  let has = found.get(dep);
  if (has === undefined) {
    has = FINDERS[dep]() !== undefined;
    found.set(dep, has);
  }
  return has;
}

export const requireSystemDeps = (env: NodeJS.ProcessEnv = process.env): boolean => env.OVERBENCH_REQUIRE_SYSTEM_DEPS === '1';

/** The tag a suite's name carries; the reporter parses it back. */
export const needsTag = (deps: readonly SystemDep[]): string => (deps.length === 0 ? '' : ` [needs ${deps.join(', ')}]`);

/** `describe`, skipped when a dep is missing (or failing, when CI requires every dep). */
export function describeWithDeps(deps: readonly SystemDep[], name: string, fn: () => void): void {
  const missing = deps.filter((d) => !hasSystemDep(d));
  const title = `${name}${needsTag(deps)}`;
  if (missing.length === 0) {
    describe(title, fn);
  } else if (requireSystemDeps()) {
    describe(title, () => {
      it('has its system binaries', () => {
        const pkgs = missing.map((d) => DEBIAN_PACKAGE[d]).join(' ');
        throw new Error(`missing ${missing.join(', ')} and OVERBENCH_REQUIRE_SYSTEM_DEPS=1: apt-get install -y ${pkgs}`);
      });
    });
  } else {
    describe.skip(title, fn);
  }
}
