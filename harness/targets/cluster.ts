/**
 * A scenario's `instances: N` (2-3 for the built-in `cluster`): N reference daemons behind the same
 * Redis and Supabase, started by one launcher process (cluster-main.ts, so their CPU and RSS are
 * one measured tree), with the driver's clients spread over them by a round-robin TCP balancer in
 * the harness process, as a load balancer in front of a real cluster would. Exactness holds the
 * cluster-wide view to the driver's frames: Redis's (`/metrics.json?scope=cluster`) or the
 * Supabase roll-ups', whichever the backend aggregates in (clusterCounters).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { describeTail } from '../../common/child-process/output.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { UsageError } from '../../common/exit-codes.ts';
import { REPO_ROOT, tsxArgs } from '../../common/tsx.ts';
import type { ReadyLine } from '../../daemon/testing/spawn-daemon.ts';
import { instanceKey, totalField } from '../../daemon/metrics/redis-keys.ts';
import { FAST_FLUSH_MS, FAST_ROLLUP_MS } from '../../daemon/metrics/types.ts';
import { Redis } from 'ioredis';
import { fetchMetricsTotals, setMonitoringToken } from '../measure/daemon-monitor.ts';
import type { MessageCounters, MessageTotals } from '../measure/message-counters.ts';
import { spawnTracked } from './children.ts';
import type { FakesEndpoints } from './fakes-process.ts';
import { waitForHandshake } from './ready.ts';
import { referenceDaemonEnv } from './reference-daemon.ts';
import type { RunningTarget } from './types.ts';
import { listen } from '../../common/listen.ts';

export interface RoundRobin {
  readonly port: number;
  /** Connections handed to each upstream so far. */
  readonly spread: number[];
  close(): Promise<void>;
}

/** A TCP balancer on loopback: each new connection goes to the next upstream port in turn. */
export async function startRoundRobin(upstreams: readonly number[]): Promise<RoundRobin> {
  const spread = upstreams.map(() => 0);
  const sockets = new Set<Socket>();
  let next = 0;
  const server: Server = createServer((down) => {
    const i = next++ % upstreams.length;
    spread[i]++;
    const up = connect(upstreams[i], '127.0.0.1');
    for (const s of [down, up]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
    }
    down.pipe(up);
    up.pipe(down);
    down.on('error', () => up.destroy());
    up.on('error', () => down.destroy());
    down.on('close', () => up.end());
    up.on('close', () => down.end());
  });
  const port = await listen(server, 0, '127.0.0.1');
  return {
    port,
    spread,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

interface ClusterReady {
  event: 'ready';
  pid: number;
  instances: ReadyLine[];
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.json();
}

type Mode = 'redis' | 'supabase' | 'sum';

/** Where the cluster-wide view comes from; `ours` = how many of our instances it holds. */
type Aggregate = () => Promise<MessageTotals & { ours: number }>;

/**
 * The cluster's message totals, as the seed would read them across containers: from Redis
 * (`/metrics.json?scope=cluster`, every instance's flushed counters) or from the Supabase roll-ups
 * (`metrics_rollups`, one row of deltas per instance and window, summed), whichever the backend
 * writes (EXAI_METRICS_SINKS), Redis first. Both views hold more than this cluster (another
 * variant's instances, an earlier run's) and lag by up to a flush or roll-up period. So: a view is
 * used when every one of our instances is in it (instance ids end in `:pid:wsPort`); at the start,
 * once it is still, its offset from the sum of our instances' own (exact, immediate) counters is
 * taken; a read then waits (at most `settleMs`) until that offset holds again, i.e. the
 * aggregation caught up. If it never does, the view is returned as it is and exactness fails, as
 * it should when the aggregation loses or doubles counts. With neither, the instances' own
 * counters are summed, and `where` says so.
 */
export function clusterCounters(
  instances: readonly { monitoringUrl: string; pid: number; wsPort: number }[],
  supabase: { url: string; key: string } | null,
  redisUrl: string | null,
  settleMs = 5000,
): MessageCounters & { mode(): Promise<Mode>; close(): void } {
  const urls = instances.map((i) => i.monitoringUrl);
  const isOurs = (id: string) => instances.findIndex((i) => id.endsWith(`:${i.pid}:${i.wsPort}`));
  const local = async (): Promise<MessageTotals & { backend: string; exact: boolean }> => {
    const all = await Promise.all(urls.map((u) => fetchMetricsTotals(u)));
    return {
      backend: all[0].backend,
      exact: all.every((t) => t.exact),
      messagesReceived: all.reduce((n, t) => n + t.messagesReceived, 0),
      messagesSent: all.reduce((n, t) => n + t.messagesSent, 0),
    };
  };
  let redis: Redis | null = null;
  let shared = false;
  const fromRedis: Aggregate = async () => {
    const snap = (await getJson(`${urls[0]}/metrics.json?scope=cluster`, 5000)) as { totals: MessageTotals; instances?: string[] };
    const ids = snap.instances ?? [];
    const mine = ids.filter((id) => isOurs(id) >= 0);
    const ours = new Set(mine.map(isOurs)).size;
    if (mine.length === ids.length || redisUrl === null) {
      return { messagesReceived: snap.totals.messagesReceived, messagesSent: snap.totals.messagesSent, ours };
    }
    // Other instances share this Redis (the other variant's, in an A/A run): the same Redis-side
    // counters, summed over this cluster's instances only.
    shared = true;
    redis ??= new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    const pipe = redis.pipeline();
    for (const id of mine) pipe.hmget(instanceKey(id), totalField('messagesReceived'), totalField('messagesSent'));
    let messagesReceived = 0;
    let messagesSent = 0;
    for (const [err, v] of (await pipe.exec()) ?? []) {
      if (err) throw err;
      const [r, t] = v as (string | null)[];
      messagesReceived += Number(r ?? 0);
      messagesSent += Number(t ?? 0);
    }
    return { messagesReceived, messagesSent, ours };
  };
  const fromRollups: Aggregate = async () => {
    const res = await fetch(`${supabase!.url}/rest/v1/metrics_rollups?select=instance_id,counters`, {
      headers: { apikey: supabase!.key, authorization: `Bearer ${supabase!.key}` },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`metrics_rollups: HTTP ${res.status}`);
    const rows = (await res.json()) as { instance_id: string; counters: Partial<MessageTotals> }[];
    const seen = new Set<number>();
    let messagesReceived = 0;
    let messagesSent = 0;
    for (const r of rows) {
      const i = isOurs(r.instance_id);
      if (i < 0) continue;
      seen.add(i);
      messagesReceived += r.counters?.messagesReceived ?? 0;
      messagesSent += r.counters?.messagesSent ?? 0;
    }
    return { messagesReceived, messagesSent, ours: seen.size };
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let decided: Mode | null = null;
  let view: Aggregate | null = null;
  let offset = { messagesReceived: 0, messagesSent: 0 };
  const mode = async (): Promise<Mode> => {
    if (decided) return decided;
    const candidates: [Mode, Aggregate][] = [['redis', fromRedis], ...(supabase ? [['supabase', fromRollups] as [Mode, Aggregate]] : [])];
    // Every instance flushes (or rolls up) within a period when that store is a sink.
    const end = Date.now() + settleMs;
    for (;;) {
      for (const [m, agg] of candidates) {
        const c = await agg().catch(() => null);
        if (c && c.ours === instances.length) [decided, view] = [m, agg];
      }
      if (view) break;
      if (Date.now() > end) return (decided = 'sum');
      await sleep(100);
    }
    for (const deadline = Date.now() + 15_000; ;) {
      const [l1, c1] = [await local(), await view()];
      await sleep(1500);
      const [l2, c2] = [await local(), await view()];
      const still = l1.messagesReceived === l2.messagesReceived && l1.messagesSent === l2.messagesSent
        && c1.messagesReceived === c2.messagesReceived && c1.messagesSent === c2.messagesSent;
      if (still || Date.now() > deadline) {
        offset = { messagesReceived: c2.messagesReceived - l2.messagesReceived, messagesSent: c2.messagesSent - l2.messagesSent };
        return decided!;
      }
    }
  };
  return {
    get where() {
      if (decided === 'supabase') return `the Supabase roll-ups (metrics_rollups) of ${urls.length} instances, summed`;
      if (decided === 'sum') return `the sum of ${urls.length} instances' /metrics.json (the backend aggregates neither in Redis nor in Supabase)`;
      if (shared) return `the Redis counters of this cluster's ${urls.length} instances (others share the Redis, so scope=cluster holds more)`;
      return `${urls[0]}/metrics.json?scope=cluster (${urls.length} instances)`;
    },
    mode,
    close() {
      redis?.disconnect();
      redis = null;
    },
    async applies() {
      try {
        const t = await local();
        if (!t.exact) return `backend ${t.backend} is not exact`;
        if (t.backend === 'none') return 'backend none counts nothing';
        await mode();
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    },
    async read(opts?: { catchUp?: boolean }) {
      if ((await mode()) === 'sum') return local();
      const sum = await local();
      const end = opts?.catchUp === false ? 0 : Date.now() + settleMs;
      for (;;) {
        const c = await view!();
        const caughtUp = c.messagesReceived - sum.messagesReceived === offset.messagesReceived && c.messagesSent - sum.messagesSent === offset.messagesSent;
        if (caughtUp || Date.now() > end) return { messagesReceived: c.messagesReceived, messagesSent: c.messagesSent };
        await sleep(50);
      }
    },
  };
}

/**
 * How long a read waits for the cluster view to catch up (clusterCounters' `settleMs`): the period
 * of the store it reads (Redis when it is a sink, else the roll-ups), as the instances' env sets
 * it or by the daemon's defaults, and 2 s of slack. A fixed wait would fail exactness whenever the
 * period is longer (the default flush is every 5 s).
 */
export function aggregationWaitMs(env: Record<string, string | undefined>): number {
  const sinks = env.EXAI_METRICS_SINKS ?? 'both';
  const period = sinks === 'both' || sinks === 'redis'
    ? Number(env.EXAI_METRICS_FLUSH_MS ?? FAST_FLUSH_MS)
    : Number(env.EXAI_METRICS_ROLLUP_MS ?? FAST_ROLLUP_MS);
  return (Number.isFinite(period) ? period : FAST_FLUSH_MS) + 2000;
}

/** N reference daemons behind a round-robin balancer; one process tree, one target. */
export async function startCluster(opts: {
  label: string;
  instances: number;
  env: Record<string, string>;
  fakes: FakesEndpoints | null;
  token?: string;
  readyTimeoutMs?: number;
  /** Every instance's V8 --random-seed (reference-daemon-argv.ts). */
  v8Seed?: number;
}): Promise<RunningTarget> {
  const env: Record<string, string> = {
    ...referenceDaemonEnv(opts.fakes, opts.env),
    EXAI_CLUSTER_INSTANCES: String(opts.instances),
    ...(opts.v8Seed !== undefined && { OVERBENCH_V8_SEED: String(opts.v8Seed) }),
  };
  const name = `${opts.label} reference cluster (${opts.instances} instances, METRICS_BACKEND=${env.METRICS_BACKEND ?? 'default'})`;
  const proc = spawnTracked(process.execPath, tsxArgs('harness/targets/cluster-main.ts'), { name, env: { ...process.env, PORT: undefined, ...env }, cwd: REPO_ROOT });
  const ready = await readyLine<ClusterReady>(proc, (v) => v.event === 'ready', opts.readyTimeoutMs ?? 90_000);
  const lb = await startRoundRobin(ready.instances.map((r) => r.wsPort));
  const url = `ws://127.0.0.1:${lb.port}`;
  let counters: ReturnType<typeof clusterCounters> | null = null;
  const stop = async () => {
    counters?.close();
    await lb.close();
    await proc.stop();
  };
  const token = opts.token ?? env.EXAI_WS_TOKEN;
  for (const r of ready.instances) {
    const notReady = await waitForHandshake({ url: `ws://127.0.0.1:${r.wsPort}`, protocol: 'exai', token, timeoutMs: 15_000, gone: () => proc.exitReason() });
    if (notReady) {
      await stop();
      throw new UsageError(`${name}: instance on port ${r.wsPort}: ${notReady}${describeTail(proc.stderr)}`);
    }
  }
  const monitoringUrls = ready.instances.map((r) => `http://127.0.0.1:${r.monitoringPort}`);
  if (token) for (const m of monitoringUrls) setMonitoringToken(m, token);
  const first = ready.instances[0];
  return {
    target: `reference x${opts.instances}`,
    url,
    pid: proc.pid,
    monitoringUrl: monitoringUrls[0],
    monitoringUrls,
    dashboardUrl: typeof first.dashboardPort === 'number' ? `http://127.0.0.1:${first.dashboardPort}` : null,
    backend: first.backend,
    env,
    counters: (counters = clusterCounters(
      ready.instances.map((r, i) => ({ monitoringUrl: monitoringUrls[i], pid: r.pid, wsPort: r.wsPort })),
      env.SUPABASE_URL ? { url: env.SUPABASE_URL, key: env.SUPABASE_KEY ?? 'anon' } : null,
      env.REDIS_URL ?? null,
      aggregationWaitMs({ ...process.env, ...env }),
    )),
    died: proc.died,
    stop,
  };
}
