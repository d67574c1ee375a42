/**
 * Runs one fault scenario: the fake world, the reference daemon, the clients, then the timeline,
 * each phase's changes applied through the fakes' /__control, the scenario's own redis-server or
 * the clients themselves. While it runs, the daemon's circuits (/metrics.json) and RSS (/stats)
 * are polled. At the end the invariants are checked:
 * - every request sent got exactly one terminal reply (a result or an error), counted per id by
 *   the clients, on whichever connection it arrived;
 * - the daemon's exact message totals equal the frames the clients sent and received;
 * - the daemon's RSS stayed under the scenario's bound;
 * and the scenario's expectations of each phase (a circuit seen OPEN, CLOSED again at the end, a
 * few results getting through) say what the daemon did.
 */
import { Redis } from 'ioredis';
import { findOnPath } from '../../common/binaries.ts';
import type { Child } from '../../common/child-process/child.ts';
import { freePort } from '../../common/free-port.ts';
import { createRng } from '../../common/latency.ts';
import { Guard, RunAborted } from '../run/guard.ts';
import type { ScenarioWorld } from '../scenario/schema.ts';
import { spawnTracked, stopAllChildren } from '../targets/children.ts';
import { startFakes, type RunningFakes } from '../targets/fakes-process.ts';
import { startReferenceDaemon } from '../targets/reference-daemon.ts';
import type { RunningTarget } from '../targets/types.ts';
import { FaultClient } from './fault-client.ts';
import type { FaultPhase, FaultScenario } from './scenario.ts';

export interface PhaseReport {
  name: string;
  /** Seconds from the timeline's start. */
  atSec: number;
  sec: number;
  actions: string[];
  /** Terminal replies that arrived during the phase, by outcome ('ok' or the error code). */
  outcomes: Record<string, number>;
  /** Circuit states seen while the phase ran, and at its end. */
  circuitsSeen: Record<string, string[]>;
  circuitsAtEnd: Record<string, string>;
  /** What the provider fake saw during the phase (its /__stats, as a difference). */
  provider: { requests: number; rate429: number; hang: number };
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface FaultOutcome {
  scenario: string;
  description: string;
  profile: string;
  /** Why it did not run (a missing system binary), instead of checks. */
  skipped?: string;
  phases: PhaseReport[];
  requests: { sent: number; answeredOnce: number; lost: number; duplicated: number; connectionsClosedByDaemon: number };
  rssMb: { peak: number; bound: number; samples: number[] };
  checks: Check[];
  ok: boolean;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new RunAborted(String(signal.reason)));
    const onAbort = () => {
      clearTimeout(t);
      reject(new RunAborted(String(signal.reason)));
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

async function getJson(url: string, token: string | undefined): Promise<Record<string, unknown>> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

async function control(url: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/__control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`POST ${url}/__control ${JSON.stringify(body)}: HTTP ${res.status} ${await res.text()}`);
}

/** The scenario's own redis-server on a fixed port, so a restart is the same address. */
class OwnRedis {
  child: Child | null = null;
  constructor(readonly bin: string, readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    this.child = spawnTracked(this.bin, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { name: 'fault redis-server' });
    for (let i = 0; i < 100; i++) {
      const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => undefined);
      try {
        await r.connect();
        await r.ping();
        r.disconnect();
        return;
      } catch {
        r.disconnect();
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    throw new Error(`redis-server on ${this.port} did not answer`);
  }
  async stop(): Promise<void> {
    // An outage, not a shutdown: no chance to say goodbye.
    this.child?.signal('SIGKILL');
    await this.child?.exited;
    this.child = null;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function runFaultScenario(
  s: FaultScenario & { repeat: number },
  o: { profile: string; seed: number; signal: AbortSignal; onPhase?: (name: string, round: number) => void },
): Promise<FaultOutcome> {
  const base = { scenario: s.name, description: s.description, profile: o.profile };
  let redis: OwnRedis | null = null;
  if (s.ownRedis) {
    const bin = findOnPath('redis-server');
    if (!bin) {
      return { ...base, skipped: 'needs redis-server on PATH', phases: [], requests: { sent: 0, answeredOnce: 0, lost: 0, duplicated: 0, connectionsClosedByDaemon: 0 }, rssMb: { peak: 0, bound: s.maxRssMb, samples: [] }, checks: [], ok: true };
    }
    redis = new OwnRedis(bin, await freePort());
  }
  let fakes: RunningFakes | null = null;
  let daemon: RunningTarget | null = null;
  const clients: FaultClient[] = [];
  const polls: NodeJS.Timeout[] = [];
  // Every step races the stop signal: a SIGINT/SIGTERM ends the run wherever it is.
  const guard = new Guard(o.signal);
  try {
    await guard.run(redis?.start() ?? Promise.resolve());
    fakes = await guard.run(startFakes(s.world as ScenarioWorld, o.seed));
    guard.watch(fakes.died);
    const env: Record<string, string> = {
      EXAI_RATE_LIMIT: 'off',
      EXAI_DASHBOARD_PORT: 'off',
      // Room for every client and its reconnects (the default is 10 per IP).
      EXAI_MAX_CONNECTIONS_PER_IP: String(s.clients * 2 + 10),
      ...s.env,
      ...(redis ? { REDIS_URL: redis.url } : {}),
    };
    daemon = await guard.run(startReferenceDaemon({ label: s.name, env, fakes: fakes.endpoints }));
    guard.watch(daemon.died);
    const token = env.EXAI_WS_TOKEN;
    const monitoring = daemon.monitoringUrl!;
    const totals = async () => (await getJson(`${monitoring}/metrics.json`, token)).totals as { messagesReceived: number; messagesSent: number };
    const before = await guard.run(totals());

    let phaseName = 'connect';
    const rng = createRng(o.seed);
    for (let i = 0; i < s.clients; i++) {
      const c = new FaultClient(daemon.url, `fault-${s.name}-${o.seed}-${i}`, {
        token, mix: s.mix, thinkMs: s.thinkMs, rng: createRng(o.seed * 1000 + i), requestTimeoutMs: s.requestTimeoutSec * 1000, phase: () => phaseName,
      });
      clients.push(c);
      await guard.run(c.connect());
    }
    void rng;

    // Polling: circuits four times a second, RSS once a second.
    const circuitsNow: Record<string, string> = {};
    let seen: Record<string, Set<string>> = {};
    const rss: number[] = [];
    polls.push(setInterval(() => {
      getJson(`${monitoring}/metrics.json`, token).then((snap) => {
        for (const [k, v] of Object.entries((snap.circuits ?? {}) as Record<string, string>)) {
          circuitsNow[k] = v;
          (seen[k] ??= new Set()).add(v);
        }
      }, () => undefined);
    }, 250));
    polls.push(setInterval(() => {
      getJson(`${monitoring}/stats`, token).then((st) => rss.push(Math.round((st.rssBytes as number) / 1e5) / 10), () => undefined);
    }, 1000));

    const providerStats = async () => {
      const st = await getJson(`${fakes!.endpoints.provider}/__stats`, undefined);
      const by = st.byOutcome as Record<string, number>;
      return { requests: st.requests as number, rate429: by['429'] ?? 0, hang: by.hang ?? 0 };
    };

    const phases: PhaseReport[] = [];
    const t0 = performance.now();
    for (const c of clients) c.start();
    for (let round = 0; round < s.repeat; round++) {
      for (const ph of s.phases) {
        o.onPhase?.(ph.name, round);
        const actions = await guard.run(applyPhase(ph, { fakes, redis, clients }));
        const name = s.repeat > 1 ? `${ph.name}#${round + 1}` : ph.name;
        phaseName = name;
        seen = Object.fromEntries(Object.entries(circuitsNow).map(([k, v]) => [k, new Set([v])]));
        const p0 = await guard.run(providerStats());
        const atSec = (performance.now() - t0) / 1000;
        await sleep(ph.sec * 1000, o.signal);
        const p1 = await guard.run(providerStats());
        const snap = await guard.run(getJson(`${monitoring}/metrics.json`, token).catch(() => ({ circuits: circuitsNow })));
        phases.push({
          name, atSec, sec: ph.sec, actions, outcomes: {},
          circuitsSeen: Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, [...v]])),
          circuitsAtEnd: { ...((snap.circuits ?? {}) as Record<string, string>) },
          provider: { requests: p1.requests - p0.requests, rate429: p1.rate429 - p0.rate429, hang: p1.hang - p0.hang },
        });
      }
    }
    phaseName = 'drain';
    // The world healed (the last phase should leave it so): stop sending, collect what is still due.
    for (const c of clients) c.setReading(true);
    await guard.run(Promise.all(clients.map((c) => c.stop())));
    await sleep(500, o.signal);
    for (const c of clients) c.close();
    await sleep(500, o.signal);
    const after = await guard.run(totals());
    for (const t of polls) clearInterval(t);

    // Outcomes per phase, from every client.
    for (const c of clients) {
      for (const [key, n] of c.counts.outcomes) {
        const [phase, outcome] = key.split('\t');
        const report = phases.find((p) => p.name === phase);
        if (report) report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + n;
      }
    }
    const sent = clients.flatMap((c) => c.counts.sent);
    const answers = (id: string, c: FaultClient) => c.counts.terminals.get(id) ?? 0;
    let answeredOnce = 0;
    let lost = 0;
    let duplicated = 0;
    for (const c of clients) {
      for (const id of c.counts.sent) {
        const n = answers(id, c);
        if (n === 1) answeredOnce++;
        else if (n === 0) lost++;
        else duplicated++;
      }
    }
    const framesSent = clients.reduce((a, c) => a + c.counts.framesSent, 0);
    const framesReceived = clients.reduce((a, c) => a + c.counts.framesReceived, 0);
    const dRecv = after.messagesReceived - before.messagesReceived;
    const dSent = after.messagesSent - before.messagesSent;
    const peak = rss.length ? Math.max(...rss) : 0;
    const latencies = clients.flatMap((c) => c.counts.latenciesMs).sort((a, b) => a - b);
    const checks: Check[] = [
      {
        name: 'every request answered exactly once',
        ok: lost === 0 && duplicated === 0 && sent.length > 0,
        detail: `${sent.length} sent, ${answeredOnce} answered once, ${lost} never, ${duplicated} more than once; ${clients.reduce((a, c) => a + c.counts.closedByServer, 0)} connections closed by the daemon and resumed (p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms)`,
      },
      {
        name: "the daemon's exact totals match the clients' frames",
        ok: dRecv === framesSent && dSent === framesReceived,
        detail: `received ${dRecv} (clients sent ${framesSent}), sent ${dSent} (clients received ${framesReceived})`,
      },
      { name: 'memory bounded', ok: rss.length > 0 && peak <= s.maxRssMb, detail: `peak RSS ${peak} MB (bound ${s.maxRssMb} MB, ${rss.length} samples)` },
    ];
    for (const [phase, e] of Object.entries(s.expect)) {
      for (const p of phases.filter((x) => x.name === phase || x.name.startsWith(`${phase}#`))) {
        for (const [circuit, state] of Object.entries(e.circuitSeen ?? {})) {
          const states = p.circuitsSeen[circuit] ?? ['CLOSED'];
          checks.push({ name: `${p.name}: circuit ${circuit} seen ${state}`, ok: states.includes(state), detail: `seen ${states.join(', ') || 'nothing'}` });
        }
        for (const [circuit, state] of Object.entries(e.circuitAtEnd ?? {})) {
          // A breaker that never changed state is not in the snapshot: it is CLOSED.
          const at = p.circuitsAtEnd[circuit] ?? 'CLOSED';
          checks.push({ name: `${p.name}: circuit ${circuit} ${state} at the end`, ok: at === state, detail: `was ${at}` });
        }
        if (e.maxProvider429 !== undefined) {
          checks.push({ name: `${p.name}: at most ${e.maxProvider429} provider 429s`, ok: p.provider.rate429 <= e.maxProvider429, detail: `${p.provider.rate429} answered 429 (${p.provider.requests} provider requests)` });
        }
        if (e.minOk !== undefined) {
          const ok = p.outcomes.ok ?? 0;
          checks.push({ name: `${p.name}: at least ${e.minOk} results`, ok: ok >= e.minOk, detail: `${ok} results` });
        }
      }
    }
    return { ...base, phases, requests: { sent: sent.length, answeredOnce, lost, duplicated, connectionsClosedByDaemon: clients.reduce((a, c) => a + c.counts.closedByServer, 0) }, rssMb: { peak, bound: s.maxRssMb, samples: rss }, checks, ok: checks.every((c) => c.ok) };
  } finally {
    for (const t of polls) clearInterval(t);
    for (const c of clients) c.close();
    await daemon?.stop().catch(() => undefined);
    await fakes?.stop().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    await stopAllChildren();
    guard.dispose();
  }
}

/** Apply a phase's changes; returns what was done, in words, for the report. */
async function applyPhase(ph: FaultPhase, w: { fakes: RunningFakes; redis: OwnRedis | null; clients: FaultClient[] }): Promise<string[]> {
  const done: string[] = [];
  if (ph.provider) {
    await control(w.fakes.endpoints.provider, ph.provider);
    done.push(`provider ${JSON.stringify(ph.provider)}`);
  }
  if (ph.supabase) {
    await control(w.fakes.endpoints.supabase, ph.supabase);
    done.push(`supabase ${JSON.stringify(ph.supabase)}`);
  }
  if (ph.redis === 'stop') {
    await w.redis!.stop();
    done.push('redis-server killed (SIGKILL)');
  } else if (ph.redis === 'start') {
    await w.redis!.start();
    done.push('redis-server restarted on the same port');
  }
  if (ph.clients === 'reconnect') {
    await Promise.all(w.clients.map((c) => c.reconnect()));
    done.push(`all ${w.clients.length} clients dropped and resumed their sessions at once`);
  } else if (ph.clients === 'stop-reading') {
    const n = ph.slowClients ?? w.clients.length;
    for (const c of w.clients.slice(0, n)) c.setReading(false);
    done.push(`${n} clients stopped reading`);
  } else if (ph.clients === 'read') {
    for (const c of w.clients) c.setReading(true);
    done.push('every client reads again');
  }
  return done;
}
