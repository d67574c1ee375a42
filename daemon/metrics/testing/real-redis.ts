import { findRedis } from '../../../fakes/redis/find.ts';

/**
 * A real redis-server for tests (REDIS_URL, or one started on a free loopback port with
 * persistence off and tied to this process). The caller must close() it.
 */
export function startRealRedis(): Promise<{ url: string; close(): Promise<void> }> {
  return findRedis({ mode: 'real' });
}
