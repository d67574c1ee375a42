/**
 * A throwaway PostgreSQL cluster for the postgres store: initdb in a fresh temp dir, postgres on
 * an ephemeral 127.0.0.1 port with its unix socket inside that dir, durability off (it is
 * scratch), and close() = immediate shutdown + remove the dir. As root, PostgreSQL refuses to
 * run, so the binaries run as user `postgres` (else `nobody`) on a dir chowned to it. The
 * binaries are the system's or the npm-shipped ones (common/binaries.ts). The postmaster runs tied
 * to this process (common/child-process/tied.ts): if we exit, crash or are SIGKILLed, its
 * watchdog shuts it down and removes the dir, so no cluster outlives the fake.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type pg from 'pg';
import { findPgBinDir as findPgBin, findRunuser } from '../../common/binaries.ts';
import { freePort } from '../../common/free-port.ts';
import { startTied, type TiedProcess } from '../../common/child-process/tied.ts';

/** PostgreSQL is needed but cannot be found or started; the message says what to do. */
export class PostgresUnavailableError extends Error {
  override name = 'PostgresUnavailableError';
}

export interface ThrowawayCluster {
  /** Temp dir holding data/, the socket and the log; gone after close(). */
  readonly dir: string;
  readonly port: number;
  readonly connection: pg.PoolConfig;
  close(): Promise<void>;
}

export function findPgBinDir(explicit?: string): string {
  const dir = findPgBin(explicit);
  if (dir !== undefined) return dir;
  throw new PostgresUnavailableError(
    `store postgres: PostgreSQL binaries not found (no initdb and pg_ctl in ${explicit ? explicit : 'PG_BIN_DIR, /usr/lib/postgresql/<version>/bin or PATH'}); install PostgreSQL, set PG_BIN_DIR, or give a database URL (DATABASE_URL)`,
  );
}

interface Owner {
  name: string;
  uid: number;
  gid: number;
}

/**
 * Who runs PostgreSQL when we are root (it refuses root): `postgres` where the postgresql package
 * made that user, else `nobody` (a machine with only the npm-shipped binaries has no `postgres`).
 */
function clusterOwner(): Owner {
  const users = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const name of ['postgres', 'nobody']) {
    const line = users.find((l) => l.startsWith(`${name}:`));
    if (!line) continue;
    const [, , uid, gid] = line.split(':');
    return { name, uid: Number(uid), gid: Number(gid) };
  }
  throw new PostgresUnavailableError('store postgres: running as root, PostgreSQL must run as another user, and neither "postgres" nor "nobody" exists');
}

/** runuser's path, for running as the owner when we are root. */
function runuser(): string {
  const file = findRunuser();
  if (file !== undefined) return file;
  throw new PostgresUnavailableError('store postgres: running as root, PostgreSQL must run as another user, and runuser (util-linux) is not on PATH, /usr/sbin or /sbin');
}

/** Run a binary (as the owner when we are root); resolves with its exit code and output. */
function run(owner: Owner | undefined, cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  const [file, argv] = owner ? [runuser(), ['-u', owner.name, '--', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new PostgresUnavailableError(`store postgres: cannot run ${file}: ${e.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output: output.trim() });
    });
  });
}

/**
 * Where the temp dir goes: TMPDIR unless the socket path would get too long for a unix socket
 * (~107 bytes) or, as root, user `postgres` could not traverse it (e.g. TMPDIR under /root).
 */
function clusterBaseDir(asPostgres: boolean): string {
  const base = tmpdir();
  if (base.length > 60) return '/tmp';
  if (asPostgres) {
    for (let dir = base; dir !== dirname(dir); dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return '/tmp';
    }
  }
  return base;
}

const lastLines = (text: string, n = 5): string => text.split('\n').filter(Boolean).slice(-n).join(' | ');

/** A fresh temp dir with an initdb'ed data/ configured for scratch use; removed again on failure. */
async function initCluster(bin: string, owner: Owner | undefined): Promise<string> {
  const dir = mkdtempSync(join(clusterBaseDir(owner !== undefined), 'overbench-pg-'));
  // Until the watchdog owns the dir, an exit (even mid-initdb) must still remove it.
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const data = join(dir, 'data');
    const init = await run(owner, join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], 120_000);
    if (init.code !== 0) throw new PostgresUnavailableError(`store postgres: initdb failed (${lastLines(init.output)})`);
    // Scratch data: durability off; the socket lives in our private dir, TCP only on loopback.
    appendFileSync(data + '/postgresql.conf', [
      '', `unix_socket_directories = '${dir.replace(/'/g, "''")}'`, "listen_addresses = '127.0.0.1'",
      'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', "timezone = 'UTC'",
      'max_connections = 40', 'shared_buffers = 32MB', "log_min_messages = 'warning'", '',
    ].join('\n'));
    return dir;
  } catch (e) {
    removeDir();
    throw e;
  } finally {
    process.off('exit', removeDir);
  }
}

const READY_TIMEOUT_MS = 60_000;

/**
 * Whether the postmaster came up: it writes "ready" on line 8 of data/postmaster.pid once it
 * accepts connections (what `pg_ctl -w` waits for). False when it exits or times out first.
 */
async function becameReady(server: TiedProcess, data: string): Promise<boolean> {
  let ended = false;
  void server.exited.then(() => (ended = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!ended && Date.now() < deadline) {
    try {
      if (readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[7]?.trim() === 'ready') return true;
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

export async function startThrowawayCluster(opts: { binDir?: string } = {}): Promise<ThrowawayCluster> {
  const bin = findPgBinDir(opts.binDir);
  const owner = process.getuid?.() === 0 ? clusterOwner() : undefined;
  try {
    // Another process may take the free port before PostgreSQL binds it: try a few. A failed
    // start's watchdog removes its dir, so every attempt starts from a fresh initdb.
    for (let attempt = 1; ; attempt++) {
      const dir = await initCluster(bin, owner);
      const data = join(dir, 'data');
      const port = await freePort();
      // QUIT = immediate shutdown: no waiting for clients, nothing worth flushing in scratch data.
      const server = await startTied(join(bin, 'postgres'), ['-D', data, '-p', String(port)], dir, {
        stopSignal: 'QUIT',
        exitSignal: 'SIGQUIT',
        user: owner && { uid: owner.uid, gid: owner.gid },
      }).catch((e: Error) => {
        rmSync(dir, { recursive: true, force: true });
        throw e;
      });
      if (await becameReady(server, data)) {
        return { dir, port, connection: { host: dir, port, user: 'postgres', database: 'postgres' }, close: () => server.close() };
      }
      await server.close();
      const output = server.output();
      if (attempt >= 3 || !/could not bind|already in use/i.test(output)) {
        throw new PostgresUnavailableError(`store postgres: postgres did not start (${lastLines(output) || `not ready within ${READY_TIMEOUT_MS / 1000} s`})`);
      }
    }
  } catch (e) {
    if (e instanceof PostgresUnavailableError) throw e;
    throw new PostgresUnavailableError(`store postgres: cannot start a throwaway cluster (${(e as Error).message})`);
  }
}
