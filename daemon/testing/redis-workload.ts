/**
 * Everything the reference daemon does with Redis, in one short run: an in-process daemon
 * (fast metrics backend, whose sink flushes to Redis; rate limits on, so every message runs the
 * token-bucket script) with the provider and Supabase fakes, driven through
 *   hello (session store), chat miss then hit (result cache), status, echo,
 *   a call that finishes while its client is away (pending queue push) and the resume that
 *   drains it, many connections at once, /metrics.json?scope=cluster (reads every instance's
 *   flushed counters), and a graceful close (final flush, QUIT).
 * Used by scripts/record-redis-commands.ts (against a recorded real Redis) and by daemon/redis-commands.e2e.test.ts
 * (against a real Redis and against the RESP fake). It only reads Redis itself through
 * `inspectUrl`, a direct connection the recorder does not see.
 */
import { Redis } from 'ioredis';
import { startProviderFake } from '../../fakes/provider/server.ts';
import { startSupabaseFake } from '../../fakes/supabase/server.ts';
import { startTestDaemon } from './in-process.ts';
import { controlProvider, providerEnv } from './provider-control.ts';
import { WsTestClient, type Json } from './ws-test-client.ts';
import { sessionHash } from '../monitoring/session-hash.ts';

export interface WorkloadResult {
  /** Error frames and call results carrying an error, from every client. */
  readonly errors: Json[];
  /** The daemon's log lines. */
  readonly logs: string[];
  /** The second identical chat came from the Redis cache. */
  readonly cacheHit: boolean;
  /** The result that finished while its client was away was delivered on resume. */
  readonly resumed: boolean;
  /** Sessions the cluster snapshot (read back from Redis) knew about. */
  readonly clusterSessions: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`daemon workload: ${what} did not happen within ${timeoutMs} ms`);
    await sleep(25);
  }
}

function errorsOf(c: WsTestClient): Json[] {
  return c.frames.filter((f) => f.op === 'error' || (f.op === 'call_tool_res' && f.error));
}

export async function driveDaemonWorkload(opts: { redisUrl: string; inspectUrl: string; tag?: string }): Promise<WorkloadResult> {
  const tag = opts.tag ?? `wl${process.pid}x${Date.now().toString(36)}`;
  const provider = await startProviderFake({ latency: 'constant:v=5ms', seed: 7 });
  const supabase = await startSupabaseFake({ store: 'memory' });
  const inspect = new Redis(opts.inspectUrl, { maxRetriesPerRequest: 1 });
  const clients: WsTestClient[] = [];
  const daemon = await startTestDaemon({
    ...providerEnv(provider.url),
    REDIS_URL: opts.redisUrl,
    SUPABASE_URL: supabase.url,
    SUPABASE_KEY: 'overbench-fake-key',
    METRICS_BACKEND: 'fast',
    // Flushes well within the wait for the cluster view below (the default is every 5 s).
    EXAI_METRICS_FLUSH_MS: '500',
    EXAI_RATE_LIMIT: 'on',
    EXAI_RATE_GLOBAL: '100000/10000',
    EXAI_RATE_IP: '100000/10000',
    EXAI_RATE_SESSION: '100000/10000',
    EXAI_MAX_CONNECTIONS_PER_IP: '64',
  });
  let closed = false;
  try {
    const open = async (session: string) => {
      const c = await WsTestClient.hello(daemon.url, { session_id: session });
      clients.push(c);
      return c;
    };
    const session = `${tag}-main`;
    const a = await open(session);
    // chat: a miss (provider, cache write), then the same call again: a hit.
    await a.call('c1', 'chat', { prompt: `workload ${tag}` }, 10_000);
    const second = await a.call('c2', 'chat', { prompt: `workload ${tag}` }, 10_000);
    await a.call('s1', 'status');
    await a.call('e1', 'echo', { text: 'overbench' });

    // A call that finishes while its client is away goes to the pending queue; resume drains it.
    await controlProvider(provider.url, { latency: 'constant:v=300ms' });
    a.send({ op: 'call_tool', request_id: 'away', name: 'chat', arguments: { prompt: `away ${tag}` } });
    await sleep(50);
    await a.close();
    await until('the pending push', async () => (await inspect.llen(`exai:pending:${session}`)) > 0);
    await controlProvider(provider.url, { latency: 'constant:v=5ms' });
    const b = await open(session);
    const away = await b.result('away', 10_000);

    // Many connections at once.
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => open(`${tag}-many-${i}`)));
    await Promise.all(many.map((c, i) => c.call(`m${i}`, i % 2 === 0 ? 'status' : 'echo', { text: 'x' })));
    await Promise.all(many.map((c) => c.close()));

    // The fast backend flushes to Redis every 500 ms here; the cluster view reads it back.
    let clusterSessions: string[] = [];
    await until('the cluster snapshot to show the session', async () => {
      const res = await fetch(`${daemon.monitoringUrl}/metrics.json?scope=cluster`);
      if (!res.ok) return false;
      const snap = (await res.json()) as { clients?: Record<string, unknown> };
      clusterSessions = Object.keys(snap.clients ?? {});
      // Monitoring lists sessions by a short hash, never the id (daemon/monitoring/session-hash.ts).
      // The flush is periodic: wait for the one that carries the many sessions too.
      return clusterSessions.includes(sessionHash(session)) && many.every((_, i) => clusterSessions.includes(sessionHash(`${tag}-many-${i}`)));
    }, 8000);

    await b.close();
    await daemon.close();
    closed = true;
    return {
      errors: clients.flatMap(errorsOf),
      logs: daemon.logs,
      cacheHit: second.from_cache === true,
      resumed: Array.isArray(away.outputs) && !away.error,
      clusterSessions,
    };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    if (!closed) await daemon.close().catch(() => {});
    inspect.disconnect();
    await provider.close();
    await supabase.close();
  }
}
