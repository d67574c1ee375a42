/**
 * A throwaway redis-server: ephemeral port on 127.0.0.1, no persistence, its own temp dir,
 * gone when closed or when this process ends (see common/child-process/tied.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../common/free-port.ts';
import { pingRedis } from './ping.ts';
import { startTied } from '../../common/child-process/tied.ts';

export interface RedisServerProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  close(): Promise<void>;
}

const ATTEMPTS = 5;
const READY_TIMEOUT_MS = 10_000;

export async function startRedisServer(bin: string): Promise<RedisServerProcess> {
  let lastError = '';
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'overbench-redis-'));
    const proc = await startTied(bin, [
      '--port', String(port), '--bind', '127.0.0.1',
      '--save', '', '--appendonly', 'no', '--dir', dir,
      '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning',
    ], dir);
    const url = `redis://127.0.0.1:${port}`;
    const ready = await Promise.race([
      pingRedis(url, READY_TIMEOUT_MS).then(() => true, () => false),
      proc.exited.then(() => false),
    ]);
    if (ready) return { url, port, pid: proc.pid, dir, close: () => proc.close() };
    await proc.close();
    lastError = proc.output().trim().split('\n').pop() ?? '';
    // Another process took the port between our probe and redis's bind: try another one.
    if (!/address already in use/i.test(proc.output())) break;
  }
  throw new Error(`redis-server did not start: ${lastError || 'no PING answer within 10 s'}`);
}
