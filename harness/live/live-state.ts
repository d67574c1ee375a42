/**
 * What the live view of a run shows, folded from the run's events (harness/run/events.ts): the
 * scenario, round, variant and phase in progress and the time left; the window in progress per
 * variant, from its driver's reports every second (throughput, percentiles so far); per scenario
 * each finished round's throughput and latency percentiles per variant; and the overhead estimates
 * with their intervals after every round, so a watcher sees them narrow. Plain JSON, sent whole
 * to the page.
 */
import type { DriverProgress } from '../driver/progress.ts';
import type { Budgets } from '../scenario/schema.ts';
import type { RunEvent, VariantName } from '../run/events.ts';
import type { Comparison, WindowResult } from '../result/schema.ts';
import { compareRounds } from '../run/compare-rounds.ts';

export interface LiveRound {
  round: number;
  variant: VariantName;
  valid: boolean;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  cpuPerRequestUs: number | null;
}

export interface LiveEstimate {
  /** Valid round pairs the estimate is made from. */
  pairs: number;
  metric: string;
  estimatePct: number | null;
  ciLowPct: number | null;
  ciHighPct: number | null;
  budgetPct: number;
  verdict: string;
  /** The scenario's own verdict (scenario-end), not an interim look. */
  final?: boolean;
}

export interface LiveScenario {
  name: string;
  rounds: LiveRound[];
  /** One entry per metric per finished round: the interval as it narrows. */
  estimates: LiveEstimate[];
  verdict: string | null;
}

/** One variant's window in progress, from its driver's reports (harness/driver/progress.ts). */
export interface LiveProgress {
  /** Seconds into the window. */
  elapsedSec: number;
  requests: number;
  errors: number;
  /** Requests per second since the previous report (the first: since the window began). */
  throughput: number;
  /** Percentiles (us) of the window so far; null in a warm-up window, which records no latency. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** This window's throughput, one point per report. */
  series: { t: number; throughput: number }[];
}

export interface LiveSnapshot {
  startedAt: string;
  plannedSec: number;
  /** Seconds left by the plan (windows only), from what is done and what is in progress. */
  leftSec: number;
  current: {
    scenario: string; index: number; count: number; round: number; rounds: number; variant: string; phase: string; windowLeftSec: number;
    /** Per variant, the window in progress (empty until its driver reports). */
    live: Partial<Record<VariantName, LiveProgress>>;
  } | null;
  scenarios: LiveScenario[];
  ended: { verdict: string; report: string | null } | null;
}

export class LiveState {
  private readonly startedAtMs = Date.now();
  private plannedSec = 0;
  private doneSec = 0;
  private window: { startMs: number; durationSec: number } | null = null;
  private current: LiveSnapshot['current'] = null;
  private readonly scenarios: LiveScenario[] = [];
  private readonly windows = new Map<string, WindowResult[]>();
  private ended: LiveSnapshot['ended'] = null;
  /** Bumped on every change, so the feed sends only when there is news. */
  version = 0;

  /** `budgets`: each scenario's, as the run judges it (profile applied), for interim estimates. */
  constructor(private readonly budgetsOf: (scenario: string) => Budgets | undefined, private readonly seed = 1) {}

  onEvent(e: RunEvent): void {
    this.version++;
    switch (e.type) {
      case 'run-start':
        this.plannedSec = e.plannedSec;
        return;
      case 'scenario-start':
        this.scenarios.push({ name: e.scenario, rounds: [], estimates: [], verdict: null });
        this.current = { scenario: e.scenario, index: e.index, count: e.count, round: 0, rounds: 0, variant: '-', phase: 'starting', windowLeftSec: 0, live: {} };
        return;
      case 'window-start':
        this.closeWindow();
        this.window = { startMs: Date.now(), durationSec: e.durationSec };
        this.current = { ...(this.current ?? { index: 0, count: 1 }), scenario: e.scenario, round: e.round, rounds: e.rounds, variant: e.variant, phase: e.phase, windowLeftSec: e.durationSec, live: {} };
        return;
      case 'round-done': {
        const s = this.scenario(e.scenario);
        const r = e.result;
        const l = r.latencyUs;
        s.rounds.push({ round: r.round, variant: r.variant, valid: r.valid, throughput: r.throughput, p50: l?.p50 ?? 0, p95: l?.p95 ?? 0, p99: l?.p99 ?? 0, cpuPerRequestUs: r.cpuPerRequestUs });
        const ws = this.windows.get(e.scenario) ?? [];
        ws.push(r);
        this.windows.set(e.scenario, ws);
        this.estimate(s, ws);
        return;
      }
      case 'scenario-end': {
        this.closeWindow();
        const s = this.scenario(e.result.name);
        s.verdict = e.result.verdict;
        for (const c of e.result.comparisons) s.estimates.push({ ...toEstimate(c, c.rounds ?? s.rounds.length / 2), final: true });
        return;
      }
      case 'run-end':
        this.closeWindow();
        this.current = null;
        this.ended = { verdict: e.result.verdict, report: null };
        return;
      default:
        return;
    }
  }

  /** A driver's report of the window in progress; its label is its variant. */
  progress(p: DriverProgress): void {
    const live = this.current?.live;
    if (!live || this.window === null || (p.label !== 'baseline' && p.label !== 'instrumented')) return;
    const t = p.elapsedMs / 1000;
    // A report from earlier in the window than the last one starts the window's figures afresh.
    const before = live[p.label] && live[p.label]!.elapsedSec < t ? live[p.label] : undefined;
    const dt = t - (before?.elapsedSec ?? 0);
    const throughput = dt > 0 ? Math.round(((p.requests - (before?.requests ?? 0)) / dt) * 10) / 10 : 0;
    const l = p.latencyUs;
    live[p.label] = {
      elapsedSec: t, requests: p.requests, errors: p.errors, throughput,
      p50: l?.p50 ?? null, p95: l?.p95 ?? null, p99: l?.p99 ?? null,
      series: [...(before?.series ?? []), { t, throughput }],
    };
    this.version++;
  }

  /** The run's reports are written: the page links this path (served by the live server). */
  reportReady(path: string | null): void {
    this.version++;
    this.ended = { verdict: this.ended?.verdict ?? 'unknown', report: path };
  }

  snapshot(): LiveSnapshot {
    const inWindow = this.window ? Math.min(this.window.durationSec, (Date.now() - this.window.startMs) / 1000) : 0;
    const current = this.current ? { ...this.current, windowLeftSec: this.window ? Math.max(0, this.window.durationSec - inWindow) : 0 } : null;
    return {
      startedAt: new Date(this.startedAtMs).toISOString(),
      plannedSec: this.plannedSec,
      leftSec: this.ended ? 0 : Math.max(0, this.plannedSec - this.doneSec - inWindow),
      current,
      scenarios: this.scenarios,
      ended: this.ended,
    };
  }

  private closeWindow(): void {
    if (this.window) this.doneSec += this.window.durationSec;
    this.window = null;
  }

  private scenario(name: string): LiveScenario {
    let s = this.scenarios.find((x) => x.name === name);
    if (!s) this.scenarios.push((s = { name, rounds: [], estimates: [], verdict: null }));
    return s;
  }

  /** Interim overhead estimates from the rounds so far (the final ones come with scenario-end). */
  private estimate(s: LiveScenario, ws: WindowResult[]): void {
    const budgets = this.budgetsOf(s.name);
    if (!budgets) return;
    const pairs = new Set(ws.filter((w) => w.valid).map((w) => w.round));
    const complete = [...pairs].filter((round) => ws.some((w) => w.round === round && w.variant === 'baseline' && w.valid) && ws.some((w) => w.round === round && w.variant === 'instrumented' && w.valid));
    if (complete.length < 2 || s.estimates.some((e) => e.pairs === complete.length)) return;
    let comparisons: Comparison[];
    try {
      comparisons = compareRounds(ws, budgets, this.seed);
    } catch {
      return;
    }
    for (const c of comparisons) s.estimates.push(toEstimate(c, complete.length));
  }
}

function toEstimate(c: Comparison, pairs: number): LiveEstimate {
  return {
    pairs,
    metric: c.metric,
    estimatePct: c.estimatePct ?? null,
    ciLowPct: c.ciLowPct ?? null,
    ciHighPct: c.ciHighPct ?? null,
    budgetPct: c.budgetPct,
    verdict: c.verdict,
  };
}
