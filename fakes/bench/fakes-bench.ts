/**
 * `npm run bench:fakes`: how many requests per second the provider and Supabase fakes serve at zero
 * injected latency, measured with autocannon, against the goal (>= 5,000 req/s each) that keeps
 * the world from ever being the bottleneck of a benchmark.
 *
 * Each fake runs in its own child process (serve-fake.ts) so autocannon, here, and the fake do not
 * share an event loop: on a 2-core machine that is one core each.
 *
 *   npm run bench:fakes -- [--duration 5] [--warmup 1] [--connections 32] [--only provider|supabase]
 *                          [--goal 5000] [--json] [--help]
 * Exit: 0 every goal met, 1 a goal missed, 2 bad flags (one line on stderr) or a fake that would not start.
 */
import autocannon from 'autocannon';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgv } from '../../common/argv.ts';
import type { Child } from '../../common/child-process/child.ts';
import { forkChild } from '../../common/child-process/fork.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { ExitCode, UsageError } from '../../common/exit-codes.ts';
import { fmtNumber, fmtSeconds, fmtSig } from '../../common/format.ts';
import { stopWithParent } from '../../common/orphan.ts';
import { cpuTimeUs } from '../../common/proc.ts';
import { textTable, type Column } from '../../common/table.ts';
import type { FakeName } from './serve-fake.ts';

interface Case {
  fake: FakeName;
  label: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** One request made before the run (e.g. the row a select reads). */
  setup?: { method: 'POST'; path: string; body: string };
}

const SUPABASE_HEADERS = {
  apikey: 'bench-anon-key',
  authorization: 'Bearer bench-anon-key',
  'content-type': 'application/json',
  'x-client-info': 'supabase-js-node/2.99.0',
};

/** The requests the daemon sends most: a chat completion, a message insert, a conversation read. */
const CASES: Case[] = [
  {
    fake: 'provider',
    label: 'POST /v1/chat/completions',
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body: JSON.stringify({ model: 'glm-4.6', messages: [{ role: 'user', content: 'How fast is the fake?' }] }),
  },
  {
    fake: 'supabase',
    label: 'POST /rest/v1/messages (insert)',
    method: 'POST',
    path: '/rest/v1/messages',
    headers: SUPABASE_HEADERS,
    body: JSON.stringify({ conversation_id: 'bench-conv', role: 'user', content: 'hello from the bench' }),
  },
  {
    fake: 'supabase',
    label: 'GET /rest/v1/conversations?id=eq (select)',
    method: 'GET',
    path: '/rest/v1/conversations?select=*&id=eq.bench-conv',
    headers: { ...SUPABASE_HEADERS, accept: 'application/json' },
    setup: { method: 'POST', path: '/rest/v1/conversations', body: JSON.stringify({ id: 'bench-conv', title: 'bench' }) },
  },
];

interface Row {
  fake: FakeName;
  request: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  goal: number;
  met: boolean;
  loadavg1mBefore: number;
  /** CPU (user+system) the fake process spent per request; less sensitive to a noisy machine than req/s. */
  fakeCpuUsPerReq: number | null;
  /** 1e6 / fakeCpuUsPerReq: requests/s the fake would serve with one core to itself. */
  capacityPerCore: number | null;
}

const USAGE = 'usage: npm run bench:fakes -- [--duration 5] [--warmup 1] [--connections 32] [--only provider|supabase] [--goal 5000] [--json]';

function parseFlags(argv: string[]) {
  const { values } = parseArgv(argv, {
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '32' },
    goal: { type: 'string', default: '5000' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  const num = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name}: expected a number >= ${min}, got "${text}"`);
    return n;
  };
  if (values.only !== undefined && values.only !== 'provider' && values.only !== 'supabase') {
    throw new UsageError(`--only: expected provider or supabase, got "${values.only}"`);
  }
  return {
    durationSec: num('duration', values.duration, 1),
    warmupSec: num('warmup', values.warmup, 0),
    connections: Math.floor(num('connections', values.connections, 1)),
    goal: num('goal', values.goal, 0),
    only: values.only as FakeName | undefined,
    json: values.json,
    help: values.help,
  };
}

const SERVE = fileURLToPath(new URL('./serve-fake.ts', import.meta.url));
const children = new Set<Child>();

/** Start a fake in a child process and resolve with its URL (its ready line). */
async function spawnFake(name: FakeName): Promise<{ url: string; child: Child }> {
  const child = forkChild(SERVE, { name: `${name} fake`, args: [name], stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  void child.exited.then(() => children.delete(child));
  const { url } = await readyLine<{ url: string }>(child, (v) => typeof v.url === 'string', 30_000);
  return { url, child };
}

function load(url: string, c: Case, connections: number, durationSec: number): Promise<autocannon.Result> {
  return autocannon({
    url: url + c.path,
    method: c.method,
    headers: c.headers,
    body: c.body,
    connections,
    duration: durationSec,
  });
}

async function runCase(url: string, pid: number, c: Case, opts: ReturnType<typeof parseFlags>, say: (s: string) => void): Promise<Row> {
  if (c.setup) {
    const res = await fetch(url + c.setup.path, { method: c.setup.method, headers: c.headers, body: c.setup.body });
    if (res.status >= 300) throw new UsageError(`${c.fake} setup ${c.setup.method} ${c.setup.path} answered ${res.status}: ${await res.text()}`);
  }
  if (opts.warmupSec > 0) {
    say(`${c.fake} ${c.label}: warm-up ${fmtSeconds(opts.warmupSec)}`);
    await load(url, c, opts.connections, opts.warmupSec);
  }
  const before = loadavg()[0];
  say(`${c.fake} ${c.label}: measuring ${fmtSeconds(opts.durationSec)} with ${opts.connections} connections`);
  // user+system from /proc/PID/stat: clock ticks of 10 ms.
  const cpu0 = cpuTimeUs(pid);
  const r = await load(url, c, opts.connections, opts.durationSec);
  const cpu1 = cpuTimeUs(pid);
  const reqPerSec = r.requests.average;
  const cpuPerReq = cpu0 !== null && cpu1 !== null && r.requests.total > 0 ? (cpu1 - cpu0) / r.requests.total : null;
  return {
    fake: c.fake,
    request: c.label,
    reqPerSec,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    goal: opts.goal,
    // Errors would inflate req/s with cheap failures: they fail the goal.
    met: reqPerSec >= opts.goal && r.non2xx === 0 && r.errors === 0,
    loadavg1mBefore: before,
    fakeCpuUsPerReq: cpuPerReq === null ? null : Math.round(cpuPerReq * 10) / 10,
    capacityPerCore: cpuPerReq ? Math.round(1_000_000 / cpuPerReq) : null,
  };
}

const COLUMNS: Column[] = [
  { header: 'fake' },
  { header: 'request' },
  ...['req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'cpu us/req', 'req/s per core', 'load1m'].map((header): Column => ({ header, align: 'right' })),
  { header: 'goal' },
];

function table(rows: Row[]): string {
  return textTable(COLUMNS, rows.map((r) => [
    r.fake,
    r.request,
    fmtNumber(r.reqPerSec, 0),
    fmtSig(r.p50Ms),
    fmtSig(r.p99Ms),
    fmtNumber(r.non2xx, 0),
    fmtNumber(r.errors, 0),
    fmtSig(r.fakeCpuUsPerReq),
    fmtNumber(r.capacityPerCore, 0),
    fmtNumber(r.loadavg1mBefore),
    `>= ${fmtNumber(r.goal, 0)} ${r.met ? 'met' : 'MISSED'}`,
  ]));
}

async function main(argv: string[]): Promise<number> {
  let opts: ReturnType<typeof parseFlags>;
  try {
    opts = parseFlags(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`bench:fakes: ${e.message}\n`);
    return ExitCode.BadInput;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.Pass;
  }
  const say = (s: string): void => {
    if (!opts.json) process.stderr.write(`${s}\n`);
  };
  const rows: Row[] = [];
  const fakePids: number[] = [];
  for (const fake of ['provider', 'supabase'] as const) {
    if (opts.only && opts.only !== fake) continue;
    const { url, child } = await spawnFake(fake);
    fakePids.push(child.pid);
    try {
      for (const c of CASES.filter((x) => x.fake === fake)) rows.push(await runCase(url, child.pid, c, opts, say));
    } finally {
      await child.stop();
    }
  }
  const env = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' };
  if (opts.json) {
    process.stdout.write(JSON.stringify({ env, durationSec: opts.durationSec, connections: opts.connections, rows, fakePids }) + '\n');
  } else {
    process.stdout.write(`${table(rows)}\n`);
    process.stdout.write(
      `node ${env.node}, ${env.cpus} cpus (${env.cpuModel}); autocannon ${opts.connections} connections, ${fmtSeconds(opts.durationSec)} per request; cpu us/req = the fake process's CPU per request; load1m = machine load before the run\n`,
    );
  }
  return rows.every((r) => r.met) ? ExitCode.Pass : ExitCode.Fail;
}

const stopAll = (): void => {
  for (const c of children) c.signal('SIGTERM');
};
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});
process.on('SIGTERM', () => {
  stopAll();
  process.exit(143);
});
// A parent killed without a word (SIGKILL of npm) counts as a SIGTERM.
stopWithParent();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    stopAll();
    process.stderr.write(`bench:fakes: ${(e as Error).message}\n`);
    process.exitCode = e instanceof UsageError ? ExitCode.BadInput : ExitCode.Fail;
  },
);
