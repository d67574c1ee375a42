/**
 * A throwaway PostgreSQL cluster for the postgres store: initdb in a fresh temp dir, pg_ctl start
 * on an ephemeral 127.0.0.1 port with its unix socket inside that dir, durability off (it is
 * scratch), and close() = pg_ctl stop + remove the dir. As root, PostgreSQL refuses to run, so
 * the binaries run as user `postgres` (runuser) on a dir chowned to it. If the process exits
 * without close(), an exit hook stops the cluster synchronously.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type pg from 'pg';

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

const has = (dir: string): boolean => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));

export function findPgBinDir(explicit?: string): string {
  const tried: string[] = [];
  const candidates: string[] = [];
  if (explicit) candidates.push(explicit);
  else {
    if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR);
    const root = '/usr/lib/postgresql';
    if (existsSync(root)) {
      const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
      candidates.push(...versions.map((v) => join(root, v, 'bin')));
    } else tried.push(`${root}/<version>/bin`);
    candidates.push(...(process.env.PATH ?? '').split(delimiter).filter(Boolean));
  }
  for (const dir of candidates) {
    if (has(dir)) return dir;
    tried.push(dir);
  }
  throw new PostgresUnavailableError(
    `store postgres: PostgreSQL binaries not found (no initdb and pg_ctl in ${explicit ? explicit : 'PG_BIN_DIR, /usr/lib/postgresql/<version>/bin or PATH'}); install PostgreSQL, set PG_BIN_DIR, or give a database URL (DATABASE_URL)`,
  );
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new PostgresUnavailableError('store postgres: running as root, PostgreSQL must run as user "postgres", which does not exist (install the postgresql package)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Run a binary (as `postgres` when we are root); resolves with its exit code and output. */
function run(asPostgres: boolean, cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
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
    // 'exit', not 'close': the server started by pg_ctl must not keep us waiting on shared pipes.
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output: output.trim() });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
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

export async function startThrowawayCluster(opts: { binDir?: string } = {}): Promise<ThrowawayCluster> {
  const bin = findPgBinDir(opts.binDir);
  const asPostgres = process.getuid?.() === 0;
  const owner = asPostgres ? postgresUser() : null;
  const dir = mkdtempSync(join(clusterBaseDir(asPostgres), 'overbench-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const pgCtl = join(bin, 'pg_ctl');
  let started = false;
  const stopSync = (): void => {
    if (started) spawnSync(asPostgres ? 'runuser' : pgCtl, [...(asPostgres ? ['-u', 'postgres', '--', pgCtl] : []), '-D', data, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);
  const fail = (message: string): never => {
    stopSync();
    process.off('exit', stopSync);
    throw new PostgresUnavailableError(message);
  };
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const init = await run(asPostgres, join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], 120_000);
    if (init.code !== 0) fail(`store postgres: initdb failed (${lastLines(init.output)})`);
    // Scratch data: durability off; the socket lives in our private dir, TCP only on loopback.
    appendFileSync(data + '/postgresql.conf', [
      '', `unix_socket_directories = '${dir.replace(/'/g, "''")}'`, "listen_addresses = '127.0.0.1'",
      'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', "timezone = 'UTC'",
      'max_connections = 40', 'shared_buffers = 32MB', "log_min_messages = 'warning'", '',
    ].join('\n'));
    // Another process may take the free port before PostgreSQL binds it: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const start = await run(asPostgres, pgCtl, ['-D', data, '-l', log, '-o', `-p ${port}`, '-w', '-t', '60', 'start'], 90_000);
      if (start.code === 0) {
        started = true;
        return {
          dir,
          port,
          connection: { host: dir, port, user: 'postgres', database: 'postgres' },
          close: async () => {
            if (!existsSync(dir)) return;
            started = false;
            await run(asPostgres, pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], 60_000);
            rmSync(dir, { recursive: true, force: true });
            process.off('exit', stopSync);
          },
        };
      }
      const logText = existsSync(log) ? readFileSync(log, 'utf8') : '';
      if (attempt >= 3 || !/could not bind|already in use/i.test(logText)) fail(`store postgres: pg_ctl start failed (${lastLines(start.output + '\n' + logText)})`);
    }
  } catch (e) {
    if (e instanceof PostgresUnavailableError) throw e;
    return fail(`store postgres: cannot start a throwaway cluster (${(e as Error).message})`);
  }
}
