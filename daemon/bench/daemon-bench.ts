/**
 * `npm run bench:daemon`: status round trips per second through the real daemon, one daemon
 * process per METRICS_BACKEND plus a bare ws echo server for reference, load from another
 * process (load-client.ts). Targets are measured in interleaved order, repeat after repeat, so
 * drift on a shared machine hits every target alike; the median per target is reported, with the
 * daemon's CPU per round trip (from /stats), the cost per round trip and per frame vs `none`
 * (from that CPU), and the load client's CPU (a saturated client caps every target alike).
 *
 *   npm run bench:daemon -- [--seconds 3] [--warmup 1] [--repeats 3] [--connections 4] [--depth 8]
 *                           [--backends none,fast,...] [--no-bare] [--json] [--test]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnChild } from '../../common/child-process/child.ts';
import { forkChild, type Forked } from '../../common/child-process/fork.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { ExitCode } from '../../common/exit-codes.ts';
import { stopWithParent } from '../../common/orphan.ts';
import { cpuTimeUs } from '../../common/proc.ts';
import { tsxArgs } from '../../common/tsx.ts';
import { BACKEND_NAMES, type BackendName } from '../metrics/types.ts';
import { spawnDaemon, type SpawnedDaemon } from '../testing/spawn-daemon.ts';
import type { LoadClientMessage, LoadClientReply, WindowRequest, WindowResult } from './load-client.ts';

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

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      repeats: { type: 'string', default: '3' },
      connections: { type: 'string', default: '4' },
      depth: { type: 'string', default: '8' },
      backends: { type: 'string', default: BACKEND_NAMES.join(',') },
      'no-bare': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      // Smoke mode for CI: proves the bench runs, measures nothing worth reading.
      test: { type: 'boolean', default: false },
    },
  });
  if (values.test) Object.assign(values, { seconds: '0.3', warmup: '0.1', repeats: '1', backends: 'none,fast' });
  const num = (name: string, v: string, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      process.stderr.write(`bench:daemon: --${name} must be a number ${min}..${max}, got "${v}"\n`);
      process.exit(ExitCode.BadInput);
    }
    return n;
  };
  const seconds = num('seconds', values.seconds!, 0.1, 120);
  const warmup = num('warmup', values.warmup!, 0, 60);
  const repeats = Math.round(num('repeats', values.repeats!, 1, 50));
  const connections = Math.round(num('connections', values.connections!, 1, 256));
  const depth = Math.round(num('depth', values.depth!, 1, 1024));
  const backends = values.backends!.split(',').map((s) => s.trim()).filter(Boolean);
  for (const b of backends) {
    if (!(BACKEND_NAMES as readonly string[]).includes(b)) {
      process.stderr.write(`bench:daemon: --backends: unknown backend "${b}" (expected ${BACKEND_NAMES.join(', ')})\n`);
      return ExitCode.BadInput;
    }
  }
  const say = (s: string) => {
    if (!values.json) process.stderr.write(`${s}\n`);
  };

  const targets: Target[] = [];
  const client = startLoadClient();
  const stopAll = async () => {
    await Promise.all([client.stop(), ...targets.map((t) => t.stop().catch(() => {}))]);
  };
  // `on`, not `once`: a Ctrl-C arrives twice under `npm run` (the group's, then npm's forward), and
  // the default action of the second would end us before the targets are stopped.
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void stopAll().then(() => process.exit(ExitCode.Fail));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A parent killed without a word (SIGKILL of npm) counts as a SIGTERM.
  stopWithParent();
  try {
    for (const b of backends) targets.push(await daemonTarget(b as BackendName));
    if (!values['no-bare']) targets.push(await bareTarget());
    say(`bench:daemon: ${targets.length} targets, ${repeats} repeats x ${seconds}s (+${warmup}s warm-up), ${connections} connections x ${depth} in flight`);
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
        say(`  repeat ${r + 1}/${repeats} ${t.name.padEnd(8)} ${Math.round(res.rate).toLocaleString('en-US').padStart(8)} round trips/s  server cpu ${(cpu / total).toFixed(2)} us/rt  client cpu ${clientCpuPct.toFixed(0)}%`);
      }
    }
    const none = samples.get('none');
    const noneRate = none ? median(none.map((s) => s.rate)) : undefined;
    const noneCpu = none ? median(none.map((s) => s.cpuUsPerRoundTrip)) : undefined;
    const rows = targets.map((t) => {
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
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ connections, depth, seconds, warmup, repeats, rows })}\n`);
    } else {
      process.stdout.write(`\nstatus round trips/s (median of ${repeats}; ${connections} connections x ${depth} in flight; load in another process)\n`);
      process.stdout.write(`${'target'.padEnd(9)} ${'rt/s'.padStart(8)}  ${'best'.padStart(8)}  ${'vs none'.padStart(8)}  ${'ns/rt'.padStart(7)}  ${'ns/frame'.padStart(8)}  ${'cpu us/rt'.padStart(9)}  ${'client%'.padStart(7)}  runs\n`);
      for (const r of rows) {
        const pct = r.vsNonePct === undefined ? '' : `${r.vsNonePct >= 0 ? '-' : '+'}${Math.abs(r.vsNonePct).toFixed(1)}%`;
        process.stdout.write(
          `${r.target.padEnd(9)} ${r.rate.toLocaleString('en-US').padStart(8)}  ${r.best.toLocaleString('en-US').padStart(8)}  ${pct.padStart(8)}  ${String(r.costNsPerRoundTrip ?? '').padStart(7)}  ${String(r.costNsPerFrame ?? '').padStart(8)}  ${r.serverCpuUsPerRoundTrip.toFixed(2).padStart(9)}  ${String(r.clientCpuPct).padStart(7)}  ${r.rates.join(' ')}\n`,
        );
      }
      process.stdout.write('ns/rt and ns/frame: extra daemon CPU vs none per round trip / per frame (3 frames per round trip).\n');
      process.stdout.write('client%: load client CPU (100 = one core: the client, not the daemon, limited the rate).\n');
      process.stdout.write('bare-ws echoes each request with ONE frame; the daemon answers status with TWO (stream_complete + call_tool_res).\n');
    }
    return ExitCode.Pass;
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:daemon: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(ExitCode.Fail);
  },
);
