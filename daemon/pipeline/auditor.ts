/**
 * The seed's auditor: it samples finished calls (EXAI_AUDITOR_SAMPLE of them, 10% by default),
 * judges each (ok, failed, or slow past EXAI_AUDITOR_SLOW_MS) and every EXAI_AUDITOR_INTERVAL_SECS
 * writes what it saw as `auditor_observations` rows in one insert. The newest observations are
 * kept for the dashboard. Sampling is one random draw per call; writing is off the call path.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { MetricsBackend } from '../metrics/types.ts';
import type { ObservationFigure } from '../dashboard/figures.ts';

export interface CallSeen {
  tool: string;
  sessionId: string;
  requestId: string;
  latencyMs: number;
  ok: boolean;
  errorCode?: string;
}

interface Row {
  session_id: string;
  kind: string;
  severity: 'info' | 'warning' | 'error';
  observation: string;
  payload: Record<string, unknown>;
  created_at: string;
}

const RECENT = 50;
/** Rows waiting for a write are bounded: when Supabase is down the oldest go first. */
const MAX_PENDING = 10_000;

export class Auditor {
  private pending: Row[] = [];
  private readonly recentRows: ObservationFigure[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private failing = false;
  written = 0;

  constructor(
    private readonly db: SupabaseClient | null,
    private readonly opts: { sampleRate: number; intervalSec: number; slowMs: number; metrics: MetricsBackend; log: (line: string) => void; random?: () => number },
  ) {}

  start(): void {
    if (this.db === null || this.timer !== null) return;
    this.timer = setInterval(() => void this.flush(), this.opts.intervalSec * 1000);
    this.timer.unref();
  }

  /** A finished call: sampled, judged, queued for the next write. */
  observe(c: CallSeen): void {
    if ((this.opts.random ?? Math.random)() >= this.opts.sampleRate) return;
    const slow = c.latencyMs > this.opts.slowMs;
    const severity = !c.ok ? 'error' : slow ? 'warning' : 'info';
    const note = !c.ok ? `failed (${c.errorCode ?? 'error'})` : slow ? `slow: over ${this.opts.slowMs} ms` : 'ok';
    const at = new Date().toISOString();
    this.recentRows.unshift({ at, tool: c.tool, sessionId: c.sessionId, ok: c.ok, latencyMs: Math.round(c.latencyMs * 10) / 10, note });
    if (this.recentRows.length > RECENT) this.recentRows.pop();
    if (this.db === null) return;
    this.pending.push({
      session_id: c.sessionId,
      kind: 'call_sample',
      severity,
      observation: `${c.tool} ${note} in ${Math.round(c.latencyMs)} ms`,
      payload: { tool: c.tool, request_id: c.requestId, latency_ms: c.latencyMs, ok: c.ok, error_code: c.errorCode ?? null },
      created_at: at,
    });
    if (this.pending.length > MAX_PENDING) this.pending.shift();
  }

  recent(): ObservationFigure[] {
    return this.recentRows.slice();
  }

  /** Write what is pending (one insert); a failed batch is kept for the next try. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.db === null || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.writing = (async () => {
      const { error } = await this.db!.from('auditor_observations').insert(batch);
      if (error) {
        this.pending = batch.concat(this.pending).slice(-MAX_PENDING);
        this.opts.metrics.error(null, 'supabase');
        if (!this.failing) this.opts.log(`auditor: writing observations failed: ${error.message}`);
        this.failing = true;
        return;
      }
      this.written += batch.length;
      if (this.failing) this.opts.log('auditor: writes recovered');
      this.failing = false;
    })().finally(() => (this.writing = null));
    await this.writing;
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
