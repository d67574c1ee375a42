import type { MetricName, WindowResult, ScenarioResult } from '../../result/schema.ts';
import type { HistoryEntry } from '../history.ts';
import { changeUnit, metricLabel } from '../metric.ts';
import { inRunOrder } from '../rounds.ts';
import { spectrumOf } from '../spectrum.ts';

/** One chart as the browser script (client.js) draws it: plain data, no functions. */
export interface ChartSpec {
  id: string;
  xKind: 'nines' | 'index' | 'time';
  x: number[];
  xLabel?: string;
  /** Legend text per x (index charts). */
  xLabels?: string[];
  /** Which x get an axis tick, and its text (index charts). */
  xTicks?: number[];
  xTickLabels?: string[];
  yLabel: string;
  y2Label?: string;
  yFromZero?: boolean;
  height?: number;
  series: {
    label: string;
    color: string;
    values: (number | null)[];
    style: 'points' | 'line' | 'both';
    unit?: string;
    axis?: 'right';
    hollow?: boolean;
    dash?: number[];
  }[];
}

export interface Labels {
  baseline: string;
  instrumented: string;
}

export const COLORS = { baseline: '#4c72b0', instrumented: '#dd8452', invalid: '#9a9a9a', errors: '#cf222e' };
const METRIC_COLORS: Record<MetricName, string> = {
  p50: '#4c72b0', p95: '#55a868', p99: '#c44e52', throughput: '#8172b3', cpuPerRequest: '#dd8452', errorRate: '#cf222e', nsPerOp: '#937860',
};

/** Latency spectrum of both variants merged over valid rounds; null when no histogram was recorded. */
export function spectrumChart(id: string, s: ScenarioResult, labels: Labels): ChartSpec | null {
  const base = spectrumOf(s.rounds, 'baseline');
  const inst = spectrumOf(s.rounds, 'instrumented');
  const x = base?.nines ?? inst?.nines;
  if (!x) return null;
  const ms = (v: number[] | undefined) => (v ? v.map((us) => us / 1000) : x.map(() => null));
  return {
    id, xKind: 'nines', x, yLabel: 'latency (ms)', yFromZero: true, height: 260,
    series: [
      { label: `${labels.baseline} (${base?.count ?? 0} req)`, color: COLORS.baseline, values: ms(base?.latencyUs), style: 'line', unit: 'ms' },
      { label: `${labels.instrumented} (${inst?.count ?? 0} req)`, color: COLORS.instrumented, values: ms(inst?.latencyUs), style: 'line', unit: 'ms' },
    ],
  };
}

/**
 * A per-window value of both variants in run order, so the reader sees the interleaving, drift
 * and noise; invalid windows drawn hollow and grey, as the statistics left them out.
 */
export function perRoundChart(
  id: string, s: ScenarioResult, labels: Labels,
  pick: { yLabel: string; unit: string; value: (r: WindowResult) => number | null },
  extra?: { label: string; unit: string; value: (r: WindowResult) => number | null },
): ChartSpec | null {
  const windows = inRunOrder(s.rounds);
  if (!windows.some((r) => pick.value(r) != null)) return null;
  const only = (keep: (r: WindowResult) => boolean) => windows.map((r) => (keep(r) ? pick.value(r) : null));
  const spec: ChartSpec = {
    id, xKind: 'index', x: windows.map((_, i) => i), xLabel: 'window, in run order',
    xLabels: windows.map((r) => `r${r.round} ${r.variant === 'baseline' ? labels.baseline : labels.instrumented}`),
    yLabel: pick.yLabel, yFromZero: true,
    series: [
      { label: labels.baseline, color: COLORS.baseline, values: only((r) => r.valid && r.variant === 'baseline'), style: 'points', unit: pick.unit },
      { label: labels.instrumented, color: COLORS.instrumented, values: only((r) => r.valid && r.variant === 'instrumented'), style: 'points', unit: pick.unit },
    ],
  };
  if (windows.some((r) => !r.valid)) {
    spec.series.push({ label: 'invalid (excluded)', color: COLORS.invalid, values: only((r) => !r.valid), style: 'points', unit: pick.unit, hollow: true });
  }
  if (extra) {
    spec.y2Label = extra.label;
    spec.series.push({ label: extra.label, color: COLORS.errors, values: windows.map(extra.value), style: 'points', unit: extra.unit, axis: 'right', hollow: true });
  }
  // Tick each round once (at its first window) so long runs stay legible.
  spec.xTicks = windows.flatMap((r, i) => (i === 0 || windows[i - 1].round !== r.round ? [i] : []));
  spec.xTickLabels = windows.map((r) => `r${r.round}`);
  return spec;
}

/** Each metric's overhead estimate across runs from history.jsonl; null with fewer than two runs. */
export function trendChart(id: string, scenario: string, entries: readonly HistoryEntry[]): ChartSpec | null {
  const runs = entries.flatMap((e) => {
    const s = e.scenarios.find((x) => x.name === scenario);
    return s ? [{ t: Math.floor(Date.parse(e.time) / 1000), s }] : [];
  });
  if (runs.length < 2) return null;
  const metrics = [...new Set(runs.flatMap((r) => r.s.comparisons.map((c) => c.metric)))];
  const pp = metrics.some((m) => changeUnit(m) === 'pp');
  return {
    id, xKind: 'time', x: runs.map((r) => r.t), xLabel: 'run', yLabel: pp ? 'overhead (%; error rate in pp)' : 'overhead (%)',
    series: metrics.map((m) => ({
      label: metricLabel(m), color: METRIC_COLORS[m], style: 'both' as const, unit: changeUnit(m) === 'pp' ? 'pp' : '%',
      values: runs.map((r) => r.s.comparisons.find((c) => c.metric === m)?.estimatePct ?? null),
    })),
  };
}
