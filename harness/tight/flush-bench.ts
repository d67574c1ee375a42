/**
 * What the fast backend costs off the hot path: its flush to Redis (daemon/metrics/fast-sinks.ts),
 * which the daemon runs on a timer (EXAI_METRICS_FLUSH_MS, every 5 s by default) and bench:tight does not. For N
 * clients, each "second" every client receives a frame, sends two and finishes a request (as a
 * status call does), then the flush runs as the daemon's timer runs it (the idle sweep has a timer of its own, once a minute). Per
 * flush: this process's CPU (user + system, so the socket calls too), the same with a PING in
 * place of the flush (any round trip's floor), and a flush with nothing new.
 *
 *   node --import tsx harness/tight/flush-bench.ts [--clients 8,100,1000] [--flushes N]
 *        [--stages] [--spread] [--idle N] [--redis auto|real|fake] [--json] [--test]
 *
 * --stages also records a stage latency per request (the chat path), so the changed histograms
 * are flushed too; --spread draws those latencies from provider-slow's provider (log-normal,
 * median 800 ms, p99 4 s) for the provider and total stages, so they fill many buckets.
 * --idle N adds N connected clients that never send (many-idle's world). "Loop held" is the
 * flush's synchronous part: the time it keeps the event loop from every request. The world's Redis comes from the fakes process (redis-server when on PATH).
 */
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { parseArgv } from '../../common/argv.ts';
import { ExitCode, UsageError } from '../../common/exit-codes.ts';
import { fmtNumber, fmtShare } from '../../common/format.ts';
import { runMain } from '../../common/run-main.ts';
import { textTable } from '../../common/table.ts';
import { FastMetrics } from '../../daemon/metrics/fast.ts';
import { StageId } from '../../daemon/metrics/types.ts';
import { createRng, parseLatency } from '../../common/latency.ts';
import { startFakes } from '../targets/fakes-process.ts';

const USAGE = 'usage: flush-bench [--clients 8,100,1000] [--flushes N] [--stages] [--spread] [--idle N] [--redis auto|real|fake] [--json] [--test]';

export interface FlushCost {
  clients: number;
  /** CPU of one flush (and the sweep after it), us. */
  flushUs: number;
  /** CPU of one PING round trip in its place: the floor of any flush, us. */
  roundTripUs: number;
  /** CPU of a flush with nothing new, us. */
  idleUs: number;
  /** Wall time of a flush's synchronous part (up to its round trip), us: the event loop held. */
  heldUs: number;
}

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

type StageMode = 'none' | 'fixed' | 'spread';

async function measure(redis: Redis, clients: number, flushes: number, stages: StageMode, idle: number): Promise<FlushCost> {
  const m = new FastMetrics({ flushIntervalMs: 3_600_000 });
  m.start({ instanceId: `flush-bench:${clients}`, redis });
  try {
    const refs = Array.from({ length: clients }, (_, i) => m.client(`bench-${i}`));
    for (const r of refs) m.connectionOpened(r);
    for (let i = 0; i < idle; i++) m.connectionOpened(m.client(`idle-${i}`));
    const provider = parseLatency('lognormal:median=800ms,p99=4s');
    const rng = createRng(clients);
    const second = () => {
      for (const r of refs) {
        m.frameReceived(r, 90);
        m.frameSent(r, 120);
        m.frameSent(r, 260);
        if (stages === 'fixed') m.stageLatency(StageId.total, 800);
        else if (stages === 'spread') {
          const us = provider.sampleUs(rng);
          m.stageLatency(StageId.provider, us);
          m.stageLatency(StageId.total, us + 2_000);
        }
        m.requestDone(r, 'status', 40, true);
      }
    };
    let held = 0;
    const flush = async () => {
      const t0 = performance.now();
      const done = m.flushNow();
      held += performance.now() - t0;
      await done;
    };
    const per = async (n: number, step: () => Promise<unknown>) => {
      const t0 = cpuUs();
      for (let i = 0; i < n; i++) await step();
      return (cpuUs() - t0) / n;
    };
    const warm = Math.max(5, flushes >> 3);
    await per(warm, () => (second(), flush()));
    await per(warm, () => (second(), redis.ping()));
    held = 0;
    const flushUs = await per(flushes, () => (second(), flush()));
    const heldUs = (1000 * held) / flushes;
    return {
      clients,
      flushUs,
      roundTripUs: await per(flushes, () => (second(), redis.ping())),
      idleUs: await per(flushes, flush),
      heldUs,
    };
  } finally {
    await m.close();
  }
}

function parse(argv: readonly string[]) {
  const { values } = parseArgv(argv, {
    clients: { type: 'string' },
    flushes: { type: 'string' },
    stages: { type: 'boolean', default: false },
    spread: { type: 'boolean', default: false },
    idle: { type: 'string', default: '0' },
    redis: { type: 'string', default: 'auto' },
    json: { type: 'boolean', default: false },
    test: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  const clients = (values.clients ?? (values.test ? '8' : '8,100,1000')).split(',').map(Number);
  if (clients.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--clients expects positive integers, got ${JSON.stringify(values.clients)}`);
  const flushes = Number(values.flushes ?? (values.test ? '20' : '300'));
  if (!Number.isInteger(flushes) || flushes < 1) throw new UsageError(`--flushes expects a positive integer, got ${JSON.stringify(values.flushes)}`);
  if (!['auto', 'real', 'fake'].includes(values.redis)) throw new UsageError(`--redis expects auto, real or fake, got ${JSON.stringify(values.redis)}`);
  const idle = Number(values.idle);
  if (!Number.isInteger(idle) || idle < 0) throw new UsageError(`--idle expects a whole number of clients, got ${JSON.stringify(values.idle)}`);
  const stages: StageMode = values.spread ? 'spread' : values.stages ? 'fixed' : 'none';
  return { ...values, clients, flushes, stages, idle, redis: values.redis as 'auto' | 'real' | 'fake' };
}

async function main(): Promise<number> {
  const o = parse(process.argv.slice(2));
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.Pass;
  }
  const world = await startFakes({ redis: { mode: o.redis } }, 1);
  const redis = new Redis(world.endpoints.redis, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    const load = loadavg()[0];
    const rows: FlushCost[] = [];
    for (const n of o.clients) rows.push(await measure(redis, n, o.flushes, o.stages, o.idle));
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ redis: world.endpoints.redisKind, stages: o.stages, idle: o.idle, flushes: o.flushes, loadAverage: load, rows })}\n`);
      return ExitCode.Pass;
    }
    process.stdout.write(`flush-bench: ${world.endpoints.redisKind} Redis, ${o.flushes} flushes per row${o.stages === 'fixed' ? ', a stage latency per request' : o.stages === 'spread' ? ', provider-slow\'s spread of latencies in two stages' : ''}${o.idle > 0 ? `, ${o.idle} idle clients beside them` : ''}, load average ${fmtNumber(load, 1)}\n`);
    process.stdout.write(`${textTable(
      ['clients', 'CPU per flush', 'loop held', 'a PING instead', 'flush with nothing new', 'per client', 'at 1 flush/s: share of a core'].map((header, i) => ({ header, align: i === 0 ? 'left' as const : 'right' as const })),
      rows.map((r) => [
        String(r.clients), `${fmtNumber(r.flushUs, 0)} us`, `${fmtNumber(r.heldUs, 0)} us`, `${fmtNumber(r.roundTripUs, 0)} us`, `${fmtNumber(r.idleUs, 0)} us`,
        `${fmtNumber((r.flushUs - r.roundTripUs) / r.clients, 2)} us`, fmtShare(r.flushUs / 1e4, 3),
      ]),
    )}\n`);
    return ExitCode.Pass;
  } finally {
    redis.disconnect();
    await world.stop();
  }
}

runMain('flush-bench', main);
