/**
 * `npm run bench:driver`: is the load driver fast enough not to be the bottleneck?
 * Against a trivial EXAI echo target in its own process, alternately measures a bare ws client
 * loop (harness/bench/bare-client.ts) and the driver (closed model, zero think time, full latency
 * recording), each in its own process, round after round (Node's benchmark/compare.js habit),
 * and reports round trips/s of both, the ratio (goal >= 90%) and the driver's CPU per request.
 *
 * Flags: --seconds S (per measurement, default 3), --rounds N (default 3), --connections N
 * (default 4), --json, --test (tiny run for CI smoke tests).
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawnChild, type Child } from '../../common/child-process/child.ts';
import { forkChild } from '../../common/child-process/fork.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { stopWithParent } from '../../common/orphan.ts';
import { tsxExecArgv } from '../../common/tsx.ts';
import { testConfig } from '../driver/fixtures/config.ts';
import { forkDriver, type DriverProcess } from '../driver/process.ts';
import { decodeHistogram, summarize } from '../driver/histogram.ts';
import { median as medianOf } from '../stats/compare.ts';
import type { BareClientMessage, BareClientReply, BareWindowResult } from './bare-client.ts';

export const GOAL_RATIO = 0.9;

interface Options {
  seconds: number;
  rounds: number;
  connections: number;
  json: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { seconds: 3, rounds: 3, connections: 4, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!(v > 0)) {
        process.stderr.write(`bench:driver: ${a} expects a positive number, got ${JSON.stringify(argv[i])}\n`);
        process.exit(2);
      }
      return v;
    };
    if (a === '--seconds') o.seconds = num();
    else if (a === '--rounds') o.rounds = Math.round(num());
    else if (a === '--connections') o.connections = Math.round(num());
    else if (a === '--json') o.json = true;
    else if (a === '--test') Object.assign(o, { seconds: 0.3, rounds: 1 });
    else {
      process.stderr.write(`bench:driver: unknown flag ${a} (flags: --seconds S --rounds N --connections N --json --test)\n`);
      process.exit(2);
    }
  }
  return o;
}

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

async function startTarget(children: Child[]): Promise<string> {
  const target = spawnChild(process.execPath, tsxExecArgv(here('../driver/fixtures/echo-target-main.ts')), { name: 'echo target', stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(target);
  return (await readyLine<{ url: string }>(target)).url;
}

async function startBare(url: string, connections: number, children: Child[]) {
  const bare = forkChild<BareClientMessage, BareClientReply>(here('./bare-client.ts'), { name: 'bare client', args: [url, String(connections)], stdio: ['inherit', 'inherit', 'inherit'] });
  children.push(bare);
  await bare.next((m) => m.type === 'ready');
  return {
    window: (durationMs: number) => bare.request({ type: 'window', durationMs }, (m): m is BareWindowResult => m.type === 'done'),
  };
}

interface Round {
  bareRps: number;
  driverRps: number;
  ratio: number;
  driverCpuUsPerRequest: number;
  bareCpuUsPerRoundTrip: number;
  driverP50Us: number;
  driverP99Us: number;
}

/** Rounds always exist here, so the statistics' median is never null. */
const median = (xs: number[]): number => medianOf(xs) ?? Number.NaN;

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const children: Child[] = [];
  let driver: DriverProcess | undefined;
  const cleanup = (): void => {
    for (const c of children) c.signal('SIGTERM');
    void driver?.kill();
  };
  process.on('SIGINT', () => (cleanup(), process.exit(130)));
  process.on('SIGTERM', () => (cleanup(), process.exit(143)));
  // A parent killed without a word (SIGKILL of npm) counts as a SIGTERM.
  stopWithParent();
  const log = (s: string): void => {
    if (!o.json) process.stdout.write(`${s}\n`);
  };
  try {
    const url = await startTarget(children);
    const bare = await startBare(url, o.connections, children);
    driver = await forkDriver(testConfig(url, { clients: o.connections, sessionPrefix: 'bench' }));
    const ms = o.seconds * 1000;
    const loadBefore = loadavg()[0];
    log(
      `bench:driver  echo target ${url}, ${o.connections} connections, ${o.rounds} rounds x ${o.seconds}s per side` +
        `  (load average ${loadBefore.toFixed(1)} on ${cpus().length} CPUs${loadBefore > cpus().length ? ': machine busy, numbers are noisy' : ''})`,
    );
    // warm both (JIT, socket buffers) before anything counts
    await bare.window(Math.min(1000, ms));
    await driver.window(Math.min(1000, ms), true);
    const rounds: Round[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const b = await bare.window(ms);
      const d = await driver.window(ms, true);
      const lat = summarize(decodeHistogram(d.histogram));
      if (d.errors > 0) throw new Error(`driver saw ${d.errors} errors: ${JSON.stringify(d.errorsByKind)}`);
      const round: Round = {
        bareRps: b.roundTrips / (b.durationMs / 1000),
        driverRps: d.requests / (d.durationMs / 1000),
        ratio: 0,
        driverCpuUsPerRequest: (d.driverCpuUs.user + d.driverCpuUs.system) / d.requests,
        bareCpuUsPerRoundTrip: b.cpuUs / b.roundTrips,
        driverP50Us: lat.p50,
        driverP99Us: lat.p99,
      };
      round.ratio = round.driverRps / round.bareRps;
      rounds.push(round);
      log(
        `round ${r + 1}: bare ${Math.round(round.bareRps)} rt/s (${round.bareCpuUsPerRoundTrip.toFixed(1)} us CPU/rt)` +
          `  driver ${Math.round(round.driverRps)} rt/s (${round.driverCpuUsPerRequest.toFixed(1)} us CPU/req, p50 ${lat.p50} us, p99 ${lat.p99} us)` +
          `  ratio ${(round.ratio * 100).toFixed(1)}%`,
      );
    }
    await driver.stop();
    driver = undefined;
    const summary = {
      connections: o.connections,
      seconds: o.seconds,
      rounds,
      bareRps: median(rounds.map((r) => r.bareRps)),
      driverRps: median(rounds.map((r) => r.driverRps)),
      ratio: median(rounds.map((r) => r.ratio)),
      driverCpuUsPerRequest: median(rounds.map((r) => r.driverCpuUsPerRequest)),
      bareCpuUsPerRoundTrip: median(rounds.map((r) => r.bareCpuUsPerRoundTrip)),
      goalRatio: GOAL_RATIO,
      loadAverage: { before: loadBefore, after: loadavg()[0], cpus: cpus().length },
    };
    if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      log(
        `median: bare ${Math.round(summary.bareRps)} rt/s, driver ${Math.round(summary.driverRps)} rt/s, ` +
          `ratio ${(summary.ratio * 100).toFixed(1)}% (goal >= ${GOAL_RATIO * 100}%: ${summary.ratio >= GOAL_RATIO ? 'met' : 'NOT met'}), ` +
          `driver CPU ${summary.driverCpuUsPerRequest.toFixed(1)} us/request (bare ${summary.bareCpuUsPerRoundTrip.toFixed(1)} us/round trip)` +
          `; load average ${summary.loadAverage.before.toFixed(1)} -> ${summary.loadAverage.after.toFixed(1)}`,
      );
    }
  } finally {
    cleanup();
  }
}

await main();
