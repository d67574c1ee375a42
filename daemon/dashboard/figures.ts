/**
 * What the dashboard shows, in one JSON object: read from the active metrics backend (through its
 * snapshot, the same read `/metrics.json` makes), the daemon's live state, its semaphores and the
 * process itself. Rates are the change since the previous sample, so one Figures instance serves
 * every viewer and `/api/metrics/current` alike (two readers a second apart see one rate).
 */
import type { MetricsBackend, MetricsSnapshot, CircuitState, StageLatency, Stage } from '../metrics/types.ts';
import { readSnapshot } from '../metrics/index.ts';
import type { LiveState } from '../live-state.ts';
import type { Semaphore } from '../resilience/semaphore.ts';
import { StatsSampler } from '../monitoring/process-stats.ts';

export interface SemaphoreFigures {
  active: number;
  capacity: number;
  waiting: number;
}

/** The send path's counters (daemon/send/), when any part of it is on. */
export interface SendFigures {
  dedupHits: number;
  queued: number;
  dropped: number;
  retried: number;
  expired: number;
  queueDepth: number;
  breaker: CircuitState | null;
}

/** One auditor observation (daemon/pipeline/auditor.ts), newest first on the page. */
export interface ObservationFigure {
  at: string;
  tool: string;
  sessionId: string;
  ok: boolean;
  latencyMs: number;
  note: string;
}

export interface DashboardFigures {
  timestamp: string;
  uptimeSec: number;
  backend: string;
  /** false for `sampled`: its counts are scaled estimates. */
  exact: boolean;
  connections: number;
  /** Distinct clients (sessions) the backend holds records for. */
  sessions: number;
  inflight: number;
  messages: { received: number; sent: number; inPerSec: number; outPerSec: number };
  errors: { total: number; perSec: number; byKind: Record<string, number> | null };
  circuits: Record<string, CircuitState>;
  cache: { hits: number; misses: number; hitRate: number | null };
  semaphores: Record<string, SemaphoreFigures>;
  latencyUs: Partial<Record<Stage, StageLatency>>;
  requests: Record<string, { ok: number; failed: number }>;
  process: { rssBytes: number; eventLoopUtilization: number; eventLoopDelayP99Ms: number };
  send: SendFigures | null;
  observations: ObservationFigure[];
  /** Where the testing panel connects (the daemon's own WebSocket port). */
  daemonWs: { port: number; tokenRequired: boolean };
}

export interface FiguresSources {
  metrics: MetricsBackend;
  live: LiveState;
  semaphores: Record<string, Semaphore>;
  wsPort: () => number;
  tokenRequired: boolean;
  send?: () => SendFigures | null;
  observations?: () => ObservationFigure[];
}

interface Previous {
  atMs: number;
  received: number;
  sent: number;
  errors: number;
}

export class Figures {
  /** Its own sampler: /stats keeps its own event-loop interval, untouched by the dashboard. */
  private readonly stats: StatsSampler;
  private previous: Previous | null = null;

  constructor(private readonly src: FiguresSources) {
    this.stats = new StatsSampler(src.live);
  }

  async sample(): Promise<DashboardFigures> {
    const snap = await readSnapshot(this.src.metrics);
    const nowMs = performance.now();
    const t = snap.totals;
    const prev = this.previous;
    const dt = prev === null ? 0 : (nowMs - prev.atMs) / 1000;
    const rate = (now: number, before: number | undefined) => (dt > 0 && before !== undefined ? round2((now - before) / dt) : 0);
    this.previous = { atMs: nowMs, received: t.messagesReceived, sent: t.messagesSent, errors: t.errors };
    const proc = this.stats.sample();
    const lookups = t.cacheHits + t.cacheMisses;
    const semaphores: Record<string, SemaphoreFigures> = {};
    for (const [name, s] of Object.entries(this.src.semaphores)) semaphores[name] = { active: s.active, capacity: s.capacity, waiting: s.waiting };
    return {
      timestamp: new Date().toISOString(),
      uptimeSec: Math.floor((nowMs - this.src.live.startedAtMs) / 1000),
      backend: snap.backend,
      exact: snap.exact,
      connections: this.src.live.connections,
      sessions: Object.keys(snap.clients).filter((id) => id !== 'anonymous').length,
      inflight: this.src.live.inflight,
      messages: { received: t.messagesReceived, sent: t.messagesSent, inPerSec: rate(t.messagesReceived, prev?.received), outPerSec: rate(t.messagesSent, prev?.sent) },
      errors: { total: t.errors, perSec: rate(t.errors, prev?.errors), byKind: errorsByKind(snap) },
      circuits: { ...this.src.live.circuits, ...(snap.circuits ?? {}) },
      cache: { hits: t.cacheHits, misses: t.cacheMisses, hitRate: lookups > 0 ? round2(t.cacheHits / lookups) : null },
      semaphores,
      latencyUs: snap.latencyUs,
      requests: snap.requests ?? {},
      process: { rssBytes: proc.rssBytes, eventLoopUtilization: proc.eventLoopUtilization, eventLoopDelayP99Ms: proc.eventLoopDelayP99Ms },
      send: this.src.send?.() ?? null,
      observations: this.src.observations?.() ?? [],
      daemonWs: { port: this.src.wsPort(), tokenRequired: this.src.tokenRequired },
    };
  }

  stop(): void {
    this.stats.stop();
  }
}

/**
 * Errors by kind from the backend's snapshot, most frequent first; null when the backend counts
 * none (none), and the page says "not reported by this backend" rather than show zeros.
 */
function errorsByKind(snap: MetricsSnapshot): Record<string, number> | null {
  if (!snap.errorsByKind) return null;
  return Object.fromEntries(Object.entries(snap.errorsByKind).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
