/**
 * bench:flood: does one client's flood cost the other clients? A well-behaved client (this
 * process) makes sequential `status` round trips, first alone (quiet), then while an abuser
 * (flood-client.ts, another process) sends `--frames` status calls as fast as it can, reconnecting
 * whenever it is closed. Reported per mode: the probe's p50/p99 quiet and under the flood, the
 * ratio of the p99s (goal: <= 2 with the rate limits on), and what the abuser got.
 *
 *   node --import tsx daemon/bench/flood-bench.ts [--frames 10000] [--probes 400] [--gap-ms 11]
 *        [--repeats 3] [--modes on,off] [--no-redis] [--json] [--test]
 *
 * Modes: `on` = rate limits on (with Redis when redis-server is on PATH: the shared buckets in
 * batches), `off` = EXAI_RATE_LIMIT=off. Limits for `on`: the default per-session bucket (50,
 * 5/s; the probe spreads its calls over 20 sessions to stay within it), roomy IP and global
 * buckets (the probe and the abuser stand for different hosts; on loopback they share an IP).
 */
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { parseArgv } from '../../common/argv.ts';
import { findOnPath } from '../../common/binaries.ts';
import { spawnChild, type Child } from '../../common/child-process/child.ts';
import { forkChild, type Forked } from '../../common/child-process/fork.ts';
import { ExitCode, UsageError } from '../../common/exit-codes.ts';
import { freePort } from '../../common/free-port.ts';
import { stopOnSignals, stopWithParent } from '../../common/orphan.ts';
import { textTable } from '../../common/table.ts';
import { spawnDaemon, type SpawnedDaemon } from '../testing/spawn-daemon.ts';
import type { FloodMessage, FloodReply, FloodResult } from './flood-client.ts';
import { runMain } from '../../common/run-main.ts';

const USAGE = `usage: flood-bench [--frames N] [--probes N] [--gap-ms MS] [--repeats N] [--modes on,off] [--no-redis] [--json] [--test]`;

type Mode = 'on' | 'off';

interface Sample {
  mode: Mode;
  quiet: { p50: number; p99: number; n: number };
  flood: { p50: number; p99: number; n: number };
  ratioP99: number;
  abuser: Omit<FloodResult, 'type'>;
}

const PROBE_SESSIONS = 20;
const STATUS = (id: string) => `{"op":"call_tool","request_id":"${id}","name":"status","arguments":{}}`;

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(us: number[]): { p50: number; p99: number; n: number } {
  const s = [...us].sort((a, b) => a - b);
  return { p50: pct(s, 50), p99: pct(s, 99), n: s.length };
}

/**
 * The well-behaved client: one call at a time, in turn over `sessions` connections (each its own
 * session, each within the default session rate of 5/s), round trip in µs.
 */
class Probe {
  private seq = 0;
  private turn = 0;
  private waiting: ((t: number) => void) | null = null;

  private constructor(private readonly conns: WebSocket[]) {
    for (const ws of conns) {
      ws.on('message', (data: Buffer) => {
        if (data.toString('latin1', 0, 21) === '{"op":"call_tool_res"') this.waiting?.(performance.now());
      });
    }
  }

  static async open(url: string, sessions: number): Promise<Probe> {
    const conns = await Promise.all(Array.from({ length: sessions }, async (_, i) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.send(JSON.stringify({ op: 'hello', session_id: `probe-${process.pid}-${i}` }));
      await new Promise<void>((resolve) => ws.once('message', () => resolve()));
      return ws;
    }));
    return new Probe(conns);
  }

  async roundTrip(): Promise<number> {
    const ws = this.conns[this.turn++ % this.conns.length];
    const t0 = performance.now();
    const done = new Promise<number>((resolve) => (this.waiting = resolve));
    ws.send(STATUS(`p${++this.seq}`));
    const t1 = await done;
    this.waiting = null;
    return (t1 - t0) * 1000;
  }

  /** Round trips until `count` are done or `until` resolves. */
  async run(gapMs: number, stop: { count?: number; until?: Promise<unknown> }): Promise<number[]> {
    const out: number[] = [];
    let over = false;
    void stop.until?.then(() => (over = true));
    while (!over && (stop.count === undefined || out.length < stop.count)) {
      out.push(await this.roundTrip());
      await new Promise((r) => setTimeout(r, gapMs));
    }
    return out;
  }

  close(): void {
    for (const ws of this.conns) ws.close(1000);
  }
}

async function startRedis(): Promise<{ url: string; child: Child } | null> {
  const bin = findOnPath('redis-server');
  if (!bin) return null;
  const port = await freePort();
  const child = spawnChild(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { name: 'redis-server' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined); // not up yet: the loop tries again
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return { url, child };
    } catch {
      r.disconnect();
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  await child.stop();
  throw new Error('redis-server did not answer');
}

function daemonEnv(mode: Mode, redisUrl: string | null): Record<string, string> {
  return {
    METRICS_BACKEND: 'fast',
    EXAI_MAX_CONNECTIONS_PER_IP: '100',
    EXAI_RATE_LIMIT: mode,
    EXAI_RATE_IP: '1000000/1000000',
    EXAI_RATE_GLOBAL: '1000000/1000000',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
}

async function oneSample(mode: Mode, d: SpawnedDaemon, abuser: Forked<FloodMessage, FloodReply>, o: { frames: number; probes: number; gapMs: number }): Promise<Sample> {
  // 20 sessions at one call each per ~220 ms: each within the default 5/s, ~90 probes/s in all.
  const probe = await Probe.open(d.url, PROBE_SESSIONS);
  try {
    await probe.run(o.gapMs, { count: 50 }); // JIT and connection warm-up, not recorded
    const quiet = await probe.run(o.gapMs, { count: o.probes });
    const flooded = abuser.request({ type: 'flood', url: d.url, frames: o.frames }, () => true, 300_000, 'flood result');
    const during = await probe.run(o.gapMs, { until: flooded });
    const r = await flooded;
    if (r.type === 'error') throw new Error(`flood client: ${r.message}`);
    const q = summary(quiet);
    const f = summary(during);
    const { type: _t, ...abuserResult } = r;
    return { mode, quiet: q, flood: f, ratioP99: f.p99 / q.p99, abuser: abuserResult };
  } finally {
    probe.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const ms = (us: number) => (us / 1000).toFixed(2);

async function main(): Promise<number> {
  const { values } = parseArgv(process.argv.slice(2), {
    frames: { type: 'string' }, probes: { type: 'string' }, 'gap-ms': { type: 'string' }, repeats: { type: 'string' },
    modes: { type: 'string' }, 'no-redis': { type: 'boolean' }, json: { type: 'boolean' }, test: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.Pass;
  }
  const int = (name: string, v: string | undefined, def: number, min: number) => {
    const n = Number(v ?? def);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} "${v}": expected an integer >= ${min}`);
    return n;
  };
  const t = values.test ?? false;
  const frames = int('frames', values.frames, t ? 2000 : 10_000, 1);
  const probes = int('probes', values.probes, t ? 100 : 400, 10);
  const gapMs = int('gap-ms', values['gap-ms'], 11, 0);
  const repeats = int('repeats', values.repeats, t ? 1 : 3, 1);
  const modes = (values.modes ?? 'on,off').split(',') as Mode[];
  for (const m of modes) if (m !== 'on' && m !== 'off') throw new UsageError(`--modes: unknown mode "${m}" (expected on, off)`);
  const say = (s: string) => {
    if (!values.json) process.stderr.write(`${s}\n`);
  };

  stopWithParent();
  const redis = values['no-redis'] ? null : await startRedis();
  const abuser = forkChild<FloodMessage, FloodReply>(fileURLToPath(new URL('./flood-client.ts', import.meta.url)), {
    name: 'flood client', stdio: ['ignore', 'inherit', 'inherit'], goodbye: { type: 'stop' },
  });
  const daemons: SpawnedDaemon[] = [];
  const stopAll = async () => {
    await Promise.all([abuser.stop(), ...daemons.map((d) => d.stop().catch(() => null)), redis?.child.stop()]);
  };
  stopOnSignals(stopAll, ExitCode.Fail);
  try {
    say(`bench:flood: ${frames} frames, ${probes} quiet probes, ${repeats} repeats, Redis ${redis ? 'real redis-server' : 'none'}`);
    const samples: Sample[] = [];
    for (let r = 0; r < repeats; r++) {
      for (const mode of r % 2 === 0 ? modes : [...modes].reverse()) {
        // A fresh daemon per sample: the abuser's empty session bucket must not carry over.
        const d = await spawnDaemon(daemonEnv(mode, redis?.url ?? null));
        daemons.push(d);
        const s = await oneSample(mode, d, abuser, { frames, probes, gapMs });
        await d.stop();
        daemons.splice(daemons.indexOf(d), 1);
        samples.push(s);
        say(`  ${r + 1}/${repeats} limits ${mode}: p99 quiet ${ms(s.quiet.p99)} ms, under flood ${ms(s.flood.p99)} ms (x${s.ratioP99.toFixed(2)}, ${s.flood.n} probes); abuser sent ${s.abuser.sent} on ${s.abuser.connections} connection(s), ${s.abuser.replies} replies, closed ${[...new Set(s.abuser.closeCodes)].join('/')}, ${(s.abuser.ms / 1000).toFixed(2)} s`);
      }
    }
    const rows = modes.map((mode) => {
      const of = samples.filter((s) => s.mode === mode);
      return {
        mode,
        quietP50Ms: Number(ms(median(of.map((s) => s.quiet.p50)))),
        quietP99Ms: Number(ms(median(of.map((s) => s.quiet.p99)))),
        floodP50Ms: Number(ms(median(of.map((s) => s.flood.p50)))),
        floodP99Ms: Number(ms(median(of.map((s) => s.flood.p99)))),
        ratioP99: Number(median(of.map((s) => s.ratioP99)).toFixed(2)),
        floodProbes: median(of.map((s) => s.flood.n)),
        abuserReplies: median(of.map((s) => s.abuser.replies)),
        abuserConnections: median(of.map((s) => s.abuser.connections)),
      };
    });
    if (values.json) process.stdout.write(`${JSON.stringify({ frames, probes, gapMs, repeats, redis: redis !== null, samples, rows })}\n`);
    else {
      process.stdout.write(`\nthe probe's status round trips, quiet vs under a ${frames}-frame flood (median of ${repeats}; goal: p99 ratio <= 2 with limits on)\n`);
      process.stdout.write(`${textTable(
        [
          { header: 'limits' }, { header: 'p50 quiet ms', align: 'right' }, { header: 'p99 quiet ms', align: 'right' }, { header: 'p50 flood ms', align: 'right' },
          { header: 'p99 flood ms', align: 'right' }, { header: 'p99 ratio', align: 'right' }, { header: 'probes in flood', align: 'right' },
          { header: 'abuser replies', align: 'right' }, { header: 'abuser conns', align: 'right' },
        ],
        rows.map((r) => [r.mode, String(r.quietP50Ms), String(r.quietP99Ms), String(r.floodP50Ms), String(r.floodP99Ms), `x${r.ratioP99}`, String(r.floodProbes), String(r.abuserReplies), String(r.abuserConnections)]),
      )}\n`);
    }
    return ExitCode.Pass;
  } finally {
    await stopAll();
  }
}

runMain('bench:flood', main);
