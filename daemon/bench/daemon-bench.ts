/**
 * `npm run bench:daemon`: status round trips per second through the real daemon, one daemon
 * process per METRICS_BACKEND plus a bare ws echo server for reference, load from another
 * process (load-client.ts). Targets are measured in interleaved order, repeat after repeat, so
 * drift on a shared machine hits every target alike; the median per target is reported, with the
 * daemon's CPU per round trip (from /stats), the cost per round trip and per frame vs `none`
 * (from that CPU), and the load client's CPU (a saturated client caps every target alike).
 *
 *   npm run bench:daemon -- [--seconds 3] [--warmup 1] [--repeats 3] [--connections 4] [--depth 8]
 *                           [--backends none,fast,...] [--no-bare] [--json] [--test] [--help]
 *
 * A bad flag is one line on stderr and exit 2.
 */
import { fileURLToPath } from 'node:url';
import { parseArgv } from '../../common/argv.ts';
import { spawnChild } from '../../common/child-process/child.ts';
import { forkChild, type Forked } from '../../common/child-process/fork.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { ExitCode, UsageError } from '../../common/exit-codes.ts';
import { fmtNumber, fmtPct, fmtSeconds, fmtShare, fmtSig, fmtSigned, fmtUs, LIVE_PCT_DIGITS } from '../../common/format.ts';
import { stopOnSignals, stopWithParent } from '../../common/orphan.ts';
import { cpuTimeUs } from '../../common/proc.ts';
import { textTable } from '../../common/table.ts';
import { tsxArgs } from '../../common/tsx.ts';
import { BACKEND_NAMES, type BackendName } from '../metrics/types.ts';
import { spawnDaemon, type SpawnedDaemon } from '../testing/spawn-daemon.ts';
import type { LoadClientMessage, LoadClientReply, WindowRequest, WindowResult } from './load-client.ts';
import { runMain } from '../../common/run-main.ts';

interface Target {
  name: string;
  url: string;
  protocol: 'exai' | 'echo';
  pid: number;
  /** CPU µs of the server process so far. */
  cpuUs(): Promise<number>;
  stop(): Promise<void>;
}

interface Sample {
  rate: number;
  cpuUsPerRoundTrip: number;
  /** Load client CPU over the measured part, % of one core: near 100 means the client, not the server, set the rate. */
  clientCpuPct: number;
}

/** Frames per status round trip on the daemon: call_tool in, stream_complete + call_tool_res out. */
const FRAMES_PER_ROUND_TRIP = 3;

async function daemonTarget(backend: BackendName): Promise<Target> {
  const d: SpawnedDaemon = await spawnDaemon({ METRICS_BACKEND: backend, EXAI_RATE_LIMIT: 'off', EXAI_MAX_CONNECTIONS_PER_IP: '1000' });
  return {
    name: backend,
    url: d.url,
    protocol: 'exai',
    pid: d.ready.pid,
    async cpuUs() {
      const s = (await (await fetch(`${d.monitoringUrl}/stats`)).json()) as { cpuUserUs: number; cpuSystemUs: number };
      return s.cpuUserUs + s.cpuSystemUs;
    },
    stop: async () => {
      await d.stop();
    },
  };
}

async function bareTarget(): Promise<Target> {
  const server = spawnChild(process.execPath, tsxArgs('daemon/bench/bare-echo-server.ts'), { name: 'bare echo server', stdio: ['ignore', 'pipe', 'inherit'] });
  const { port } = await readyLine<{ port: number }>(server);
  return {
    name: 'bare-ws',
    url: `ws://127.0.0.1:${port}`,
    protocol: 'echo',
    pid: server.pid,
    // utime + stime in clock ticks: coarse, used only for the bare server.
    cpuUs: async () => cpuTimeUs(server.pid) ?? 0,
    stop: () => server.stop(),
  };
}

type LoadClient = Forked<LoadClientMessage, LoadClientReply>;

function startLoadClient(): LoadClient {
  const file = fileURLToPath(new URL('./load-client.ts', import.meta.url));
  return forkChild(file, { name: 'load client', stdio: ['inherit', 'inherit', 'inherit'], goodbye: { type: 'stop' } });
}

async function runWindow(client: LoadClient, req: WindowRequest): Promise<WindowResult> {
  const m = await client.request(req, () => true);
  if (m.type === 'error') throw new Error(`load client: ${m.message}`);
  return m;
}

// Its own median: harness/stats has one, but daemon/ sits below harness/ and may not import it.
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** A target's line of the result, as the JSON output carries it. */
interface Row {
  target: string;
  rate: number;
  best: number;
  rates: number[];
  serverCpuUsPerRoundTrip: number;
  clientCpuPct: number;
  vsNonePct?: number;
  costNsPerRoundTrip?: number;
  costNsPerFrame?: number;
}

/** The result as a text table; the cells vs none are empty on none itself (the baseline's own). */
function resultTable(rows: Row[]): string {
  const columns = [
    { header: 'target' },
    { header: 'rt/s', align: 'right' },
    { header: 'best', align: 'right' },
    { header: 'vs none', align: 'right' },
    { header: 'ns/rt', align: 'right' },
    { header: 'ns/frame', align: 'right' },
    { header: 'cpu us/rt', align: 'right' },
    { header: 'client%', align: 'right' },
    { header: 'runs' },
  ] as const;
  return textTable(columns, rows.map((r) => {
    const vsNone = (x: number | undefined, format: (x: number) => string) => (r.target === 'none' || x === undefined ? '' : format(x));
    return [
      r.target,
      fmtNumber(r.rate, 0),
      fmtNumber(r.best, 0),
      // vsNonePct is the rate lost against none; the cell is the rate's change, as the table always showed it.
      vsNone(r.vsNonePct, (x) => fmtPct(-x, LIVE_PCT_DIGITS)),
      vsNone(r.costNsPerRoundTrip, fmtSigned),
      vsNone(r.costNsPerFrame, fmtSigned),
      fmtSig(r.serverCpuUsPerRoundTrip),
      fmtShare(r.clientCpuPct),
      r.rates.map((x) => fmtNumber(x, 0)).join(' '),
    ];
  }));
}

const USAGE = `usage: npm run bench:daemon -- [--seconds 3] [--warmup 1] [--repeats 3] [--connections 4] [--depth 8]
                              [--backends ${BACKEND_NAMES.join(',')}] [--no-bare] [--json] [--test]`;

interface Options {
  seconds: number;
  warmup: number;
  repeats: number;
  connections: number;
  depth: number;
  backends: BackendName[];
  bare: boolean;
  json: boolean;
}

/** The flags, or a UsageError naming the first mistake; --test only changes the defaults. */
function parseOptions(argv: readonly string[]): Options | 'help' {
  const { values } = parseArgv(argv, {
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    repeats: { type: 'string' },
    connections: { type: 'string', default: '4' },
    depth: { type: 'string', default: '8' },
    backends: { type: 'string' },
    'no-bare': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    // Smoke mode for CI: proves the bench runs, measures nothing worth reading.
    test: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return 'help';
  const t = values.test;
  const num = (name: string, v: string, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number ${min}..${max}, got "${v}"`);
    return n;
  };
  const backends = (values.backends ?? (t ? 'none,fast' : BACKEND_NAMES.join(','))).split(',').map((s) => s.trim()).filter(Boolean);
  for (const b of backends) {
    if (!(BACKEND_NAMES as readonly string[]).includes(b)) throw new UsageError(`--backends: unknown backend "${b}" (expected ${BACKEND_NAMES.join(', ')})`);
  }
  return {
    seconds: num('seconds', values.seconds ?? (t ? '0.3' : '3'), 0.1, 120),
    warmup: num('warmup', values.warmup ?? (t ? '0.1' : '1'), 0, 60),
    repeats: Math.round(num('repeats', values.repeats ?? (t ? '1' : '3'), 1, 50)),
    connections: Math.round(num('connections', values.connections, 1, 256)),
    depth: Math.round(num('depth', values.depth, 1, 1024)),
    backends: backends as BackendName[],
    bare: !values['no-bare'],
    json: values.json,
  };
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  if (opts === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.Pass;
  }
  const { seconds, warmup, repeats, connections, depth, backends } = opts;
  const say = (s: string) => {
    if (!opts.json) process.stderr.write(`${s}\n`);
  };

  const targets: Target[] = [];
  const client = startLoadClient();
  const stopAll = async () => {
    await Promise.all([client.stop(), ...targets.map((t) => t.stop().catch(() => {}))]);
  };
  stopOnSignals(stopAll, ExitCode.Fail);
  // A parent killed without a word (SIGKILL of npm) counts as a SIGTERM.
  stopWithParent();
  try {
    for (const b of backends) targets.push(await daemonTarget(b));
    if (opts.bare) targets.push(await bareTarget());
    say(`bench:daemon: ${targets.length} targets, ${repeats} repeats x ${fmtSeconds(seconds)} (+${fmtSeconds(warmup)} warm-up), ${connections} connections x ${depth} in flight`);
    // One unrecorded pass first: JIT warm-up of every freshly started server.
    for (const t of targets) {
      await runWindow(client, { type: 'window', url: t.url, protocol: t.protocol, connections, depth, warmupMs: 0, measureMs: Math.max(500, warmup * 1000) });
    }
    const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < repeats; r++) {
      // Rotate the order each repeat so no target always runs first (or right after the noisiest).
      const order = targets.map((_, i) => targets[(i + r) % targets.length]);
      for (const t of order) {
        const cpu0 = await t.cpuUs();
        const res = await runWindow(client, {
          type: 'window', url: t.url, protocol: t.protocol, connections, depth, warmupMs: warmup * 1000, measureMs: seconds * 1000,
        });
        const cpu = (await t.cpuUs()) - cpu0;
        // CPU covers warm-up and measurement; the rate over the measured part is the best estimate for both.
        const total = res.rate * (seconds + warmup);
        const clientCpuPct = (res.clientCpuUs / (res.seconds * 1e6)) * 100;
        samples.get(t.name)!.push({ rate: res.rate, cpuUsPerRoundTrip: cpu / total, clientCpuPct });
        say(`  repeat ${r + 1}/${repeats} ${t.name.padEnd(8)} ${fmtNumber(res.rate, 0).padStart(8)} round trips/s  server cpu ${fmtUs(cpu / total)}/rt  client cpu ${fmtShare(clientCpuPct)}`);
      }
    }
    const none = samples.get('none');
    const noneRate = none ? median(none.map((s) => s.rate)) : undefined;
    const noneCpu = none ? median(none.map((s) => s.cpuUsPerRoundTrip)) : undefined;
    const rows = targets.map((t): Row => {
      const s = samples.get(t.name)!;
      const rate = median(s.map((x) => x.rate));
      const cpu = median(s.map((x) => x.cpuUsPerRoundTrip));
      // Cost from the daemon's own CPU per round trip, not from the rate: with 4 connections the
      // load client often saturates first, and then the rate says little about the server.
      const costNsPerRt = noneCpu !== undefined && t.protocol === 'exai' ? (cpu - noneCpu) * 1000 : undefined;
      return {
        target: t.name, rate: Math.round(rate), best: Math.round(Math.max(...s.map((x) => x.rate))), rates: s.map((x) => Math.round(x.rate)), serverCpuUsPerRoundTrip: Number(cpu.toFixed(3)),
        clientCpuPct: Math.round(median(s.map((x) => x.clientCpuPct))),
        vsNonePct: noneRate && t.protocol === 'exai' ? Number((((noneRate - rate) / noneRate) * 100).toFixed(2)) : undefined,
        costNsPerRoundTrip: costNsPerRt === undefined ? undefined : Math.round(costNsPerRt),
        costNsPerFrame: costNsPerRt === undefined ? undefined : Math.round(costNsPerRt / FRAMES_PER_ROUND_TRIP),
      };
    });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ connections, depth, seconds, warmup, repeats, rows })}\n`);
    } else {
      process.stdout.write(`\nstatus round trips/s (median of ${repeats}; ${connections} connections x ${depth} in flight; load in another process)\n`);
      process.stdout.write(`${resultTable(rows)}\n`);
      process.stdout.write('ns/rt and ns/frame: extra daemon CPU vs none per round trip / per frame (3 frames per round trip).\n');
      process.stdout.write('client%: load client CPU (100 = one core: the client, not the daemon, limited the rate).\n');
      process.stdout.write('bare-ws echoes each request with ONE frame; the daemon answers status with TWO (stream_complete + call_tool_res).\n');
    }
    return ExitCode.Pass;
  } finally {
    await stopAll();
  }
}

runMain('bench:daemon', main);
