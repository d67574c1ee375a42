/**
 * `npm run bench:driver`: is the load driver fast enough not to be the bottleneck?
 * Against a trivial EXAI echo target in its own process, alternately measures a bare ws client
 * loop (harness/bench/bare-client.ts) and the driver (closed model, zero think time, full latency
 * recording), each in its own process, round after round (Node's benchmark/compare.js habit),
 * and reports round trips/s of both, the ratio (goal >= 90%) and the driver's CPU per request.
 *
 * Flags: --seconds S (per measurement, default 3), --rounds N (default 3), --connections N
 * (default 4), --json, --test (tiny run for CI smoke tests: 0.3 s x 1 round unless given), --help.
 * A bad flag is one line on stderr and exit 2.
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgv } from '../../common/argv.ts';
import { spawnChild, type Child } from '../../common/child-process/child.ts';
import { forkChild } from '../../common/child-process/fork.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { ExitCode, UsageError } from '../../common/exit-codes.ts';
import { fmtNumber, fmtSeconds, fmtShare, fmtUs } from '../../common/format.ts';
import { stopWithParent } from '../../common/orphan.ts';
import { tsxExecArgv } from '../../common/tsx.ts';
import { testConfig } from '../driver/testing/config.ts';
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

const USAGE = 'usage: npm run bench:driver -- [--seconds S] [--rounds N] [--connections N] [--json] [--test]';

/** The flags, or a UsageError naming the first mistake; --test only changes the defaults. */
function parseOptions(argv: readonly string[]): Options | 'help' {
  const { values } = parseArgv(argv, {
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '4' },
    json: { type: 'boolean', default: false },
    test: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return 'help';
  const positive = (name: string, text: string): number => {
    const v = Number(text);
    if (!(Number.isFinite(v) && v > 0)) throw new UsageError(`--${name} expects a positive number, got ${JSON.stringify(text)}`);
    return v;
  };
  return {
    seconds: positive('seconds', values.seconds ?? (values.test ? '0.3' : '3')),
    rounds: Math.max(1, Math.round(positive('rounds', values.rounds ?? (values.test ? '1' : '3')))),
    connections: Math.max(1, Math.round(positive('connections', values.connections))),
    json: values.json,
  };
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
  let parsed: Options | 'help';
  try {
    parsed = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`bench:driver: ${e.message}\n`);
    process.exit(ExitCode.BadInput);
  }
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const o = parsed;
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
      `bench:driver  echo target ${url}, ${o.connections} connections, ${o.rounds} rounds x ${fmtSeconds(o.seconds)} per side` +
        `  (load average ${fmtNumber(loadBefore, 1)} on ${cpus().length} CPUs${loadBefore > cpus().length ? ': machine busy, numbers are noisy' : ''})`,
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
        `round ${r + 1}: bare ${fmtNumber(round.bareRps, 0)} rt/s (${fmtUs(round.bareCpuUsPerRoundTrip)} CPU/rt)` +
          `  driver ${fmtNumber(round.driverRps, 0)} rt/s (${fmtUs(round.driverCpuUsPerRequest)} CPU/req, p50 ${fmtUs(lat.p50)}, p99 ${fmtUs(lat.p99)})` +
          `  ratio ${fmtShare(round.ratio * 100, 1)}`,
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
        `median: bare ${fmtNumber(summary.bareRps, 0)} rt/s, driver ${fmtNumber(summary.driverRps, 0)} rt/s, ` +
          `ratio ${fmtShare(summary.ratio * 100, 1)} (goal >= ${fmtShare(GOAL_RATIO * 100)}: ${summary.ratio >= GOAL_RATIO ? 'met' : 'NOT met'}), ` +
          `driver CPU ${fmtUs(summary.driverCpuUsPerRequest)}/request (bare ${fmtUs(summary.bareCpuUsPerRoundTrip)}/round trip)` +
          `; load average ${fmtNumber(summary.loadAverage.before, 1)} -> ${fmtNumber(summary.loadAverage.after, 1)}`,
      );
    }
  } finally {
    cleanup();
  }
}

await main();
