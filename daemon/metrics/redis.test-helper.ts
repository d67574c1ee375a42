import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A real redis-server for tests: fakes/redis/find.ts when it is there (mode 'real'), else one we
 * spawn on a free loopback port with persistence off. The caller must close() it.
 */
export async function startRealRedis(): Promise<{ url: string; close(): Promise<void> }> {
  const findPath = fileURLToPath(new URL('../../fakes/redis/find.ts', import.meta.url));
  if (existsSync(findPath)) {
    const { findRedis } = (await import(findPath)) as {
      findRedis(o: { mode: 'real' }): Promise<{ url: string; close(): Promise<void> }>;
    };
    return findRedis({ mode: 'real' });
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 5 s')), 5000);
    child.once('error', reject);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('Ready to accept connections')) { clearTimeout(timer); resolve(); }
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
