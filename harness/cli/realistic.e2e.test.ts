import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSystemDep } from '../../common/testing/system-deps.ts';
import { processesMatching } from '../../common/testing/procs.ts';
import { Result } from '../result/schema.ts';
import { REPO_ROOT } from '../../common/tsx.ts';
import { count, interruptWhen, overbench as runOverbench } from './testing/cli.ts';
import { REFERENCE_DAEMON_V8_FLAGS } from '../targets/reference-daemon-argv.ts';

/**
 * `overbench realistic` as a user runs it: a separate process, exit codes, files, stdout/stderr,
 * and no process left behind. Depends on the driver, the daemon and the fakes.
 */
const FIXTURE = path.join(REPO_ROOT, 'harness/targets/fixtures/exai-server.mjs');
const TAG = `e2e-${process.pid}`;
let dir: string;

const overbench = (args: string[], opts?: Parameters<typeof runOverbench>[1]) => runOverbench(['realistic', ...args], opts);

/** Processes still running whose command line carries this test run's tag. */
function taggedProcesses(): number[] {
  return processesMatching(TAG).filter((pid) => pid !== process.pid);
}

const fixtureTarget = (extra = '') => `spawn:node ${FIXTURE} --port {port} --tag ${TAG} ${extra}`.trim();

async function writeScenario(name: string, body: Record<string, unknown>): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(body));
  return file;
}

const EXTERNAL = {
  name: 'external-echo',
  description: 'both variants are the test fixture, spawned',
  clients: 2,
  load: { model: 'closed', thinkTime: 'constant:v=1ms' },
  mix: [{ weight: 1, tool: 'echo', args: { text: 'hello' } }],
  rounds: 5,
  warmupSec: 0.1,
  measureSec: 0.5,
  budgets: { p50: 50, p99: 100, throughput: 50, cpuPerRequest: 100 },
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-e2e-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('overbench realistic against an external (spawn:) target', () => {
  it('runs both variants from the scenario file and writes a valid result; --json prints only that result', async () => {
    const scenario = await writeScenario('external', {
      ...EXTERNAL,
      variants: { baseline: { target: fixtureTarget() }, instrumented: { target: fixtureTarget() } },
    });
    const out = path.join(dir, 'out-external');
    const ran = await overbench(['--scenario', scenario, '--out', out, '--seed', '7', '--json']);
    expect(ran.stderr).toBe('');
    expect([0, 1, 3]).toContain(ran.code);
    const printed = Result.parse(JSON.parse(ran.stdout));
    // One run folder (renderers may add their own files beside latest.json).
    const runs = (await readdir(out, { withFileTypes: true })).filter((f) => f.isDirectory()).map((f) => f.name);
    expect(runs).toEqual([printed.runId]);
    const onDisk = Result.parse(JSON.parse(readFileSync(path.join(out, printed.runId, 'result.json'), 'utf8')));
    expect(onDisk).toEqual(printed);
    expect(JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8'))).toEqual(printed);

    expect(printed.seed).toBe(7);
    expect(printed.command).toContain('overbench realistic --scenario');
    expect(printed.env.world).toBeNull(); // no reference daemon, so no fakes
    const s = printed.scenarios[0];
    expect(s.name).toBe('external-echo');
    expect(s.variants.baseline.target).toBe(fixtureTarget());
    expect(s.rounds).toHaveLength(10);
    expect(new Set(s.rounds.map((r) => `${r.round}:${r.variant}`)).size).toBe(10);
    for (const r of s.rounds) {
      expect(r.requests).toBeGreaterThan(0);
      expect(r.errors).toBe(0);
      expect(r.cpuUs).not.toBeNull(); // a spawned target is measured by its own process tree
      expect(r.histogram).toBeTruthy();
    }
    expect(s.comparisons.map((c) => c.metric)).toEqual(['p50', 'p99', 'throughput', 'cpuPerRequest', 'errorRate']);
    expect(printed.comparisonsMade).toBe(5);
    expect(s.exactness).toBeNull();
    expect(taggedProcesses()).toEqual([]);
  }, 70_000);
});

describe('overbench realistic --calibration: a calibrated pair luck widens the one-pair CPU interval', () => {
  it('adds the luck to cpuPerRequest only, records it and says so; the file is read, not trusted blindly', async () => {
    const scenario = await writeScenario('external-calibrated', {
      ...EXTERNAL,
      rounds: 6, // a signed-rank interval needs six
      variants: { baseline: { target: fixtureTarget() }, instrumented: { target: fixtureTarget() } },
    });
    const calibration = path.join(dir, 'calibration.json');
    const pairLuck = { cpuPerRequest: { sdPct: 50, n: 6, mdePct: 150, covered: 6 } };
    const entry = { name: 'external-echo', profile: 'default', rounds: 6, aa: { repeats: 3, falseFailRate: 0, falseInconclusiveRate: 0, halfWidthPct: {} }, injected: [], mdePct: {}, pairLuck };
    await writeFile(calibration, JSON.stringify({ schemaVersion: 1, scenarios: [entry] }));
    const ran = await overbench(['--scenario', scenario, '--out', path.join(dir, 'out-calibrated'), '--seed', '7', '--json', '--calibration', calibration]);
    expect(ran.stderr).toBe('');
    const s = Result.parse(JSON.parse(ran.stdout)).scenarios[0];
    const cpu = s.comparisons.find((c) => c.metric === 'cpuPerRequest')!;
    expect(cpu.pairSdPct).toBe(50);
    expect(cpu.note).toContain(`the interval counts one pair of processes' luck, sd 50.0%, from the calibration ${calibration})`);
    // A luck of sd 50% is at least +-1.96 * 41% wide in log-ratio: the budget of 100% cannot pass.
    expect(cpu.ciHighPct! - cpu.ciLowPct!).toBeGreaterThan(100);
    expect(s.comparisons.filter((c) => c.pairSdPct !== undefined).map((c) => c.metric)).toEqual(['cpuPerRequest']);
    expect(taggedProcesses()).toEqual([]);
  }, 70_000);
});

describe('overbench realistic --processes: the rounds spread over fresh pairs of processes', () => {
  it('runs each block of rounds in its own pair, settles each, and counts the two pairs\' luck', async () => {
    const scenario = await writeScenario('pairs', {
      ...EXTERNAL,
      variants: { baseline: { target: fixtureTarget() }, instrumented: { target: fixtureTarget() } },
    });
    const out = path.join(dir, 'out-pairs');
    const ran = await overbench(['--scenario', scenario, '--out', out, '--seed', '3', '--processes', '2', '--rounds', '6', '--json'], { timeoutMs: 90_000 });
    expect(ran.stderr).toBe('');
    const s = Result.parse(JSON.parse(ran.stdout)).scenarios[0];
    expect(s.processes).toBe(2);
    const byRound = new Map(s.rounds.map((r) => [r.round, r.process]));
    expect([...byRound].sort((a, b) => a[0] - b[0]).map(([, p]) => p)).toEqual([1, 1, 1, 2, 2, 2]);
    // Each pair settled (at least 3 one-second windows) before its first round.
    expect(s.settleSec).toHaveLength(2);
    for (const sec of s.settleSec!) expect(sec).toBeGreaterThanOrEqual(3);
    // Two pairs: the rounds' interval with the luck their spread implies, and what each pair read.
    const cpu = s.comparisons.find((c) => c.metric === 'cpuPerRequest')!;
    expect(cpu.processes).toBe(2);
    expect(cpu.ciLowPct).not.toBeNull();
    expect(s.pairCheck).toMatchObject({ metric: 'cpuPerRequest', luckSdPct: expect.any(Number) });
    expect(s.pairCheck!.estimatesPct).toHaveLength(2);
    expect(taggedProcesses()).toEqual([]);
  }, 100_000);
});

describe('bad input: exit 2, one line on stderr, nothing started or left behind', () => {
  const cases: [string, () => Promise<string[]>, RegExp][] = [
    ['an unknown scenario', async () => ['--scenario', 'no-such-scenario'], /unknown scenario "no-such-scenario" \(built in: chat-realistic/],
    [
      'a bad field',
      async () => ['--scenario', await writeScenario('badfield', { ...EXTERNAL, load: { model: 'open', ratePerSec: 'many' } })],
      /badfield\.json: load\.ratePerSec: expected number, received string/,
    ],
    ['an unreadable file', async () => ['--scenario', path.join(dir, 'nope', 'missing.json')], /missing\.json: cannot load: file not found/],
    ['a bad flag', async () => ['--frobnicate'], /^overbench realistic: Unknown option '--frobnicate'$/],
    ['a bad profile', async () => ['--profile', 'huge'], /--profile "huge": expected one of smoke, ci, full/],
    ['more pairs of processes than rounds', async () => ['--scenario', await writeScenario('pairs-bad', EXTERNAL), '--processes', '6'], /processes \(6\) exceeds rounds \(5\)/],
    ['a bad --processes', async () => ['--processes', '0'], /--processes "0"/],
    [
      'a target that exits at start',
      async () => [
        '--scenario', await writeScenario('exits', EXTERNAL),
        '--baseline', fixtureTarget('--fail-start "port 5432 in use"'),
        '--instrumented', fixtureTarget(),
      ],
      /baseline target ".*" exited with code 3; last stderr lines: fixture: port 5432 in use/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const out = path.join(dir, `out-bad-${what.replace(/\W+/g, '-')}`);
      const ran = await overbench([...(await args()), '--out', out]);
      expect(ran.code).toBe(2);
      const lines = ran.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(existsSync(out)).toBe(false);
      expect(taggedProcesses()).toEqual([]);
    });
  }
});

describe('a target that dies mid-run', () => {
  it('ends the scenario with its error: exit 2, one line naming it, everything stopped, the result records it', async () => {
    const scenario = await writeScenario('dies', { ...EXTERNAL, measureSec: 3 });
    const out = path.join(dir, 'out-dies');
    // Dies 12 s after its start: after the start-up, within the ~35 s of rounds.
    const ran = await overbench(['--scenario', scenario, '--out', out, '--baseline', fixtureTarget('--die-after-ms 12000'), '--instrumented', fixtureTarget()], { timeoutMs: 60_000 });
    expect(ran.code).toBe(2);
    const lines = ran.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^overbench: scenario external-echo: baseline target ".*" exited with code 4; last stderr lines: fixture: dying on purpose$/);
    const result = Result.parse(JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')));
    expect(result.scenarios[0].error).toMatch(/exited with code 4/);
    expect(result.scenarios[0].comparisons).toEqual([]);
    expect(taggedProcesses()).toEqual([]);
  }, 70_000);
});

/** A realistic run, interrupted once its process tree satisfies `ready` and `delayMs` more have passed. */
async function interruptMidRun(args: string[], ready: (cmds: string[]) => boolean, delayMs: number, timeoutMs: number, signal: NodeJS.Signals = 'SIGINT') {
  const out = path.join(dir, `out-sigint-${Math.random().toString(36).slice(2)}`);
  return { ...(await interruptWhen(['realistic', ...args, '--out', out], { ready, delayMs, timeoutMs, signal })), out };
}

describe('SIGINT mid-run', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`external targets, ${signal}: exit ${code}, no driver or target left, nothing written`, async () => {
      const scenario = await writeScenario(`${signal}-external`, {
        ...EXTERNAL,
        measureSec: 3,
        variants: { baseline: { target: fixtureTarget() }, instrumented: { target: fixtureTarget() } },
      });
      const ready = (cmds: string[]) => count(cmds, 'exai-server.mjs') >= 2;
      const { ran, seen, left, out } = await interruptMidRun(['--scenario', scenario], ready, 3000, 60_000, signal);
      expect(ran.code).toBe(code);
      expect(count(seen, 'driver/main.ts')).toBe(2);
      expect(count(seen, 'exai-server.mjs')).toBeGreaterThanOrEqual(2);
      expect(left).toEqual([]);
      expect(existsSync(out)).toBe(false);
    }, 70_000);
  }

  // Without redis-server the world runs on the RESP fake, inside the fakes process.
  const realRedis = hasSystemDep('redis-server');
  const worldUp = (cmds: string[]) => count(cmds, 'daemon/main.ts') === 2 && (!realRedis || count(cmds, 'redis-server') >= 1);
  for (const [when, delayMs] of [['while the targets start', 0], ['while rounds run', 6000]] as const) {
    it(`reference daemon, ${when}: exit 130, no daemon, fakes, driver or redis-server left`, async () => {
      const ready = delayMs === 0 ? (cmds: string[]) => count(cmds, 'fakes/main.ts') >= 1 : worldUp;
      const { ran, seen, left, out } = await interruptMidRun(['--scenario', 'chat-realistic', '--profile', 'smoke'], ready, delayMs, 90_000);
      expect(ran.code).toBe(130);
      // a world per variant (fakes-process.ts startWorlds), possibly caught while the second starts
      expect(count(seen, 'fakes/main.ts')).toBeGreaterThanOrEqual(1);
      expect(count(seen, 'fakes/main.ts')).toBeLessThanOrEqual(2);
      expect(count(seen, 'driver/main.ts')).toBe(2);
      if (delayMs > 0) {
        expect(count(seen, 'fakes/main.ts')).toBe(2);
        expect(count(seen, 'daemon/main.ts')).toBe(2);
        // both run under the same V8 conditions (reference-daemon-argv.ts)
        const daemons = seen.filter((c) => c.includes('daemon/main.ts'));
        for (const flag of REFERENCE_DAEMON_V8_FLAGS) expect(daemons.filter((c) => c.includes(flag))).toHaveLength(2);
        // and the same V8 seed: both start with the same layout luck
        const seeds = daemons.map((c) => /--random-seed=(\d+)/.exec(c)?.[1]);
        expect(seeds[0]).toMatch(/^\d+$/);
        expect(seeds[1]).toBe(seeds[0]);
        if (realRedis) expect(count(seen, 'redis-server')).toBeGreaterThanOrEqual(1);
      }
      expect(left).toEqual([]);
      expect(existsSync(out)).toBe(false);
    }, 100_000);
  }
});

describe('overbench realistic against the reference daemon', () => {
  it('chat-realistic --profile smoke: exit 0/1/3, a result that validates, exactness ok', async () => {
    const out = path.join(dir, 'out-reference');
    const started = Date.now();
    // A flush a second (the default is every 5 s), so that the short windows below surely hold some.
    const ran = await overbench(['--scenario', 'chat-realistic', '--profile', 'smoke', '--out', out, '--seed', '1'], { timeoutMs: 90_000, env: { EXAI_METRICS_FLUSH_MS: '1000' } });
    const seconds = (Date.now() - started) / 1000;
    expect(ran.stderr).toBe('');
    expect([0, 1, 3]).toContain(ran.code);
    expect(seconds).toBeLessThan(60);
    expect(ran.stdout).toMatch(/chat-realistic \(smoke\): (PASS|FAIL|INCONCLUSIVE)/);
    expect(ran.stdout).toMatch(/metric\s+baseline\s+instrumented\s+overhead \[95% CI\]\s+budget\s+verdict/);
    const result = Result.parse(JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')));
    const s = result.scenarios[0];
    expect(s.error).toBeUndefined();
    expect(s.rounds).toHaveLength(6);
    expect(s.variants.instrumented.backend).toBe('fast');
    expect(s.variants.baseline.backend).toBe('none');
    // each variant had a world of its own (common random numbers), and their requests matched
    expect(result.env.world?.paired).toBe(true);
    // so (a closed model) throughput is compared on the requests both variants finished
    for (const round of [1, 2, 3]) {
      const [b, x] = (['baseline', 'instrumented'] as const).map((v) => s.rounds.find((r) => r.round === round && r.variant === v)!.matchedWork);
      expect(b!.requests).toBeGreaterThan(0);
      expect(x!.requests).toBe(b!.requests);
      expect(x!.clients).toBe(b!.clients);
    }
    const throughput = s.comparisons.find((c) => c.metric === 'throughput')!;
    expect(throughput.matchedRequests).toBe(Math.min(...s.rounds.map((r) => r.matchedWork!.requests)));
    expect(s.exactness).not.toBeNull();
    expect(s.exactness!.ok).toBe(true);
    expect(s.exactness!.expected).toBeGreaterThan(0);
    for (const r of s.rounds) expect(r.cpuUs).not.toBeNull();
    // each window says what it promoted (no major collection runs to hide it: reference-daemon-argv.ts)
    for (const r of s.rounds) expect(r.extra?.oldSpaceGrowthBytes).toBeGreaterThan(0);
    // and each began by collecting its young generation (/stats?gc=young, measured-window.ts)
    for (const r of s.rounds) expect(r.extra?.youngGcUs).toBeGreaterThanOrEqual(0);
    // and what each backend spent in its timers: none has none; fast flushed to Redis (once a second here)
    const timers = (v: 'baseline' | 'instrumented') => s.rounds.filter((r) => r.variant === v).map((r) => r.extra?.metricsTimerCpuUs);
    expect(timers('baseline')).toEqual([0, 0, 0]);
    for (const us of timers('instrumented')) expect(us).toBeGreaterThanOrEqual(0);
    expect(timers('instrumented').reduce((a, b) => a! + b!, 0)).toBeGreaterThan(0);
    expect(ran.stdout).toMatch(/metrics timers \(flushes, roll-ups, sweeps; CPU\): instrumented [\d.]+ us per request \([\d.]+% of its CPU\), baseline 0(\.00)? us per request/);
  }, 100_000);
});
