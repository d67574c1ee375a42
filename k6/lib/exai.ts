/**
 * An EXAI daemon client for k6 (shared/EXAI-PROTOCOL.md), and the load of one built-in scenario
 * as k6 options and VU code. What it records, per call, tagged with the call's `tool` and
 * `round` (0 = the warm-up while VUs ramp up, then 1..rounds of measureSec each, counted from the
 * scenario's start, so every runner of a distributed test agrees):
 *   exai_reply_latency  Trend (ms): from the call's send (open model: its intended send time) to
 *                       its terminal `call_tool_res`;
 *   exai_requests       Counter: calls that ended (replied or timed out);
 *   exai_errors         Counter tagged `code`: error replies, timeouts, lost connections;
 *   exai_dropped        Counter: open-model arrivals not sent because maxInFlight was reached;
 * and a check per reply. `overbench ingest k6` reads exactly these names (harness/ingest/k6-names.ts).
 *
 * Executors: the closed model is `ramping-vus` (one VU per client, ramped up during the warm-up,
 * each VU one connection for the whole test, think time between calls). The open model is
 * `ramping-vus` too, with each VU sending its share of the arrival rate on its own schedule over
 * one connection: k6's arrival-rate executors start an iteration per arrival, and a
 * k6/websockets socket cannot outlive its iteration, so they would open a connection per call,
 * which is another test (of the handshake), not the scenario's.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { clearTimeout, setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import type { K6MixEntry, K6ScenarioData } from './scenario-data.ts';
import { thinkTimeSampler } from './think-time.ts';

const replyLatency = new Trend('exai_reply_latency', true);
const requests = new Counter('exai_requests');
const errors = new Counter('exai_errors');
const dropped = new Counter('exai_dropped');

/** What a run may change without editing the script: `k6 run -e EXAI_URL=ws://... -e ROUNDS=10`. */
function settings(s: K6ScenarioData): K6ScenarioData & { urls: string[]; token?: string } {
  const n = (name: string, def: number) => (__ENV[name] ? Number(__ENV[name]) : def);
  return {
    ...s,
    clients: n('CLIENTS', s.clients),
    idleClients: n('IDLE_CLIENTS', s.idleClients),
    rounds: n('ROUNDS', s.rounds),
    warmupSec: n('WARMUP_SEC', s.warmupSec),
    measureSec: n('MEASURE_SEC', s.measureSec),
    load: s.load.model === 'open' ? { ...s.load, ratePerSec: n('RATE', s.load.ratePerSec) } : s.load,
    // Several daemon instances (the cluster scenario): comma-separated, VUs spread round-robin.
    urls: (__ENV.EXAI_URL || 'ws://127.0.0.1:8079').split(',').map((u) => u.trim()).filter(Boolean),
    token: __ENV.EXAI_WS_TOKEN || undefined,
  };
}

const totalSec = (s: K6ScenarioData) => s.warmupSec + s.rounds * s.measureSec;

/** This VU's daemon: the instances of EXAI_URL in turn. */
const urlOf = (s: { urls: string[] }) => s.urls[(exec.vu.idInTest - 1) % s.urls.length];

/** k6 options for the scenario: its busy clients, its idle ones, and the summary overbench reads. */
export function exaiOptions(data: K6ScenarioData): Options {
  const s = settings(data);
  const grace = `${Math.ceil(s.requestTimeoutSec)}s`;
  const scenarios: NonNullable<Options['scenarios']> = {
    [s.name]: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: `${s.warmupSec}s`, target: s.clients },
        { duration: `${s.rounds * s.measureSec}s`, target: s.clients },
      ],
      gracefulRampDown: grace,
      gracefulStop: grace,
      exec: 'busy',
    },
  };
  if (s.idleClients > 0) {
    scenarios[`${s.name}-idle`] = { executor: 'constant-vus', vus: s.idleClients, duration: `${totalSec(s)}s`, gracefulStop: grace, exec: 'idle' };
  }
  return {
    scenarios,
    // The percentiles a result needs (harness/ingest/k6-summary.ts), in the JSON summary too.
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)', 'p(99.9)', 'count'],
    thresholds: { checks: ['rate>0.9'] },
  };
}

/** setup(): a salt per test run, so no two runs (baseline, instrumented) share cached replies. */
export function runSalt(): { salt: string } {
  return { salt: `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}` };
}

interface Pending {
  tool: string;
  round: string;
  sentMs: number;
  timer: number;
  done: () => void;
}

/** The round of a moment: 0 during the warm-up, then 1..rounds (the last one closes the test). */
function roundAt(s: K6ScenarioData, startMs: number, nowMs: number): string {
  const t = (nowMs - startMs) / 1000 - s.warmupSec;
  return t < 0 ? '0' : String(Math.min(s.rounds, 1 + Math.floor(t / s.measureSec)));
}

/** One connection: hello, calls matched to replies by request_id, the real daemon's id-less errors charged to the oldest call. */
class ExaiConnection {
  private readonly pending = new Map<string, Pending>();
  private ws!: WebSocket;
  private open = false;

  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly requestTimeoutMs: number,
  ) {}

  get inFlight(): number {
    return this.pending.size;
  }

  connect(sessionId: string): Promise<boolean> {
    return new Promise((resolve) => {
      this.ws = new WebSocket(this.url);
      let helloDone = false;
      this.ws.onopen = () => this.ws.send(JSON.stringify({ op: 'hello', session_id: sessionId, ...(this.token ? { token: this.token } : {}) }));
      this.ws.onmessage = (event) => {
        const msg = parse(event?.data);
        if (!helloDone) {
          if (msg?.op !== 'hello_ack') return;
          helloDone = true;
          this.open = check(msg, { 'hello accepted': (m) => m?.ok === true });
          if (!this.open) errors.add(1, { code: 'HELLO_REJECTED', round: '0', tool: 'hello' });
          resolve(this.open);
          return;
        }
        if (msg) this.onReply(msg);
      };
      this.ws.onclose = () => {
        this.open = false;
        if (!helloDone) {
          errors.add(1, { code: 'CONNECT_FAILED', round: '0', tool: 'hello' });
          resolve(false);
        }
        for (const [id, p] of this.pending) this.finish(id, p, 'CLOSED');
      };
      this.ws.onerror = () => undefined;
    });
  }

  /** Send one call; `sentMs` is when it was meant to go (open model). Resolves when it ends, however it ends. */
  call(requestId: string, entry: K6MixEntry, args: Record<string, unknown>, round: string, sentMs: number): Promise<void> {
    return new Promise((done) => {
      if (!this.open) {
        requests.add(1, { tool: entry.tool, round });
        errors.add(1, { code: 'CLOSED', tool: entry.tool, round });
        done();
        return;
      }
      const timer = setTimeout(() => {
        const p = this.pending.get(requestId);
        if (p) this.finish(requestId, p, 'timeout');
      }, this.requestTimeoutMs);
      this.pending.set(requestId, { tool: entry.tool, round, sentMs, timer, done });
      this.ws.send(JSON.stringify({ op: 'call_tool', request_id: requestId, name: entry.tool, arguments: args }));
    });
  }

  close(): void {
    this.open = false;
    this.ws.close();
  }

  private onReply(msg: Record<string, unknown>): void {
    const id = typeof msg.request_id === 'string' ? msg.request_id : undefined;
    if (msg.op === 'call_tool_res' && id !== undefined) {
      const p = this.pending.get(id);
      if (p) this.finish(id, p, errorCode(msg.error), Date.now());
      return;
    }
    // The real daemon's errors without op and request_id (and id-less refusals) end the oldest call.
    const idless = (msg.op === undefined || msg.op === 'error') && msg.error !== undefined && id === undefined;
    if (idless) {
      const oldest = this.pending.entries().next();
      if (!oldest.done) this.finish(oldest.value[0], oldest.value[1], errorCode(msg.error) ?? 'ERROR', Date.now());
    }
  }

  private finish(id: string, p: Pending, code: string | undefined, repliedMs?: number): void {
    this.pending.delete(id);
    clearTimeout(p.timer);
    const tags = { tool: p.tool, round: p.round };
    requests.add(1, tags);
    if (repliedMs !== undefined) replyLatency.add(repliedMs - p.sentMs, tags);
    check(code, { 'call answered without error': (c) => c === undefined });
    if (code !== undefined) errors.add(1, { ...tags, code });
    p.done();
  }
}

function parse(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const v = JSON.parse(data) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string') return (error as { code: string }).code;
  return 'ERROR';
}

/** A weighted draw; a non-repeat entry's prompt (else first string argument) made unique, as the harness's driver does. */
function mixPicker(mix: K6MixEntry[], salt: string): (n: number) => { entry: K6MixEntry; args: Record<string, unknown> } {
  const total = mix.reduce((t, e) => t + e.weight, 0);
  return (n) => {
    let x = Math.random() * total;
    const entry = mix.find((e) => (x -= e.weight) < 0) ?? mix[mix.length - 1];
    const args = entry.args ?? {};
    if (entry.repeat) return { entry, args };
    const field = typeof args.prompt === 'string' ? 'prompt' : Object.keys(args).find((k) => typeof args[k] === 'string');
    return { entry, args: field === undefined ? args : { ...args, [field]: `${String(args[field])} [${salt}-${exec.vu.idInTest}-${n}]` } };
  };
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** A busy client: one connection (re-opened with session resume every churn.everyRequests calls) until the test's end. */
export async function busyClient(data: K6ScenarioData, run: { salt: string }): Promise<void> {
  const s = settings(data);
  const startMs = exec.scenario.startTime;
  const endMs = startMs + totalSec(s) * 1000;
  const sessionId = `k6-${s.name}-${run.salt}-${exec.vu.idInTest}`.slice(0, 64);
  const pick = mixPicker(s.mix, run.salt);
  const think = thinkTimeSampler(s.load.model === 'closed' ? s.load.thinkTime : undefined);
  let conn = new ExaiConnection(urlOf(s), s.token, s.requestTimeoutSec * 1000);
  if (!(await conn.connect(sessionId))) return;
  let n = 0;
  const churn = async () => {
    if (s.churn && n % s.churn.everyRequests === 0) {
      conn.close();
      conn = new ExaiConnection(urlOf(s), s.token, s.requestTimeoutSec * 1000);
      return conn.connect(sessionId);
    }
    return true;
  };

  if (s.load.model === 'closed') {
    while (Date.now() < endMs) {
      const { entry, args } = pick(++n);
      const now = Date.now();
      await conn.call(`r${n}`, entry, args, roundAt(s, startMs, now), now);
      if (!(await churn())) return;
      await wait(think());
    }
  } else {
    // Open model: this VU's share of the arrivals, each timed from when it was due.
    const rate = s.load.ratePerSec / s.clients;
    const cap = Math.max(1, Math.floor((s.load.maxInFlight ?? 256) / s.clients));
    const gap = () => (s.load.model === 'open' && s.load.arrival === 'uniform' ? 1000 / rate : (-1000 / rate) * Math.log(1 - Math.random()));
    const calls: Promise<void>[] = [];
    let due = Date.now() + gap();
    while (due < endMs) {
      await wait(due - Date.now());
      const round = roundAt(s, startMs, due);
      const { entry, args } = pick(++n);
      if (conn.inFlight >= cap) dropped.add(1, { tool: entry.tool, round });
      else calls.push(conn.call(`r${n}`, entry, args, round, due));
      due += gap();
    }
    await Promise.all(calls);
  }
  conn.close();
}

/** An idle client: connected and silent until the test's end. */
export async function idleClient(data: K6ScenarioData, run: { salt: string }): Promise<void> {
  const s = settings(data);
  const conn = new ExaiConnection(urlOf(s), s.token, s.requestTimeoutSec * 1000);
  if (!(await conn.connect(`k6-${s.name}-${run.salt}-idle-${exec.vu.idInTest}`.slice(0, 64)))) return;
  await wait(exec.scenario.startTime + totalSec(s) * 1000 - Date.now());
  conn.close();
}
