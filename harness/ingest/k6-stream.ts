/**
 * k6's `--out json=FILE` stream (optionally `.gz`) as measured windows. The format, from k6's
 * source (grafana/k6 `internal/output/json/wrapper.go`: sampleEnvelope and metricEnvelope) and
 * docs (grafana.com/docs/k6/latest/results-output/real-time/json/): one JSON object per line,
 *   {"type":"Metric","data":{"name","type","contains","thresholds","submetrics"},"metric":NAME}
 *   {"type":"Point","data":{"time":RFC3339,"value":N,"tags":{...}|null},"metric":NAME}
 * with time Trends in milliseconds.
 *
 * Rounds: overbench's k6 scripts tag every sample with `round` (0 = warm-up, skipped); each round
 * is a window lasting from its first to its last sample. A stream without that tag (a user's own
 * script) is cut into `rounds` equal windows of time between its first and last latency sample.
 * Several files are one test's streams (one per runner of a distributed test: k6-operator's
 * `parallelism`): their samples are pooled, round by round or slice by slice.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { UsageError } from '../../common/exit-codes.ts';
import { encodeHistogram, newHistogram, summarize } from '../driver/histogram.ts';
import { ERROR_COUNTER, HTTP_FAILED_RATE, LATENCY_TRENDS, REQUEST_COUNTERS, ROUND_TAG } from './k6-names.ts';
import type { IngestedWindow } from './window.ts';

interface Sample {
  timeMs: number;
  value: number;
  round: number | null;
  code?: string;
}

/** True when the file's first non-empty line looks like a k6 stream line. */
export function looksLikeK6Stream(firstLine: string): boolean {
  try {
    const v = JSON.parse(firstLine) as { type?: unknown; metric?: unknown };
    return (v.type === 'Metric' || v.type === 'Point') && typeof v.metric === 'string';
  } catch {
    return false;
  }
}

async function readSamples(file: string, byMetric: Map<string, Sample[]>): Promise<void> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  let lineNo = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNo++;
      if (line.trim() === '') continue;
      let v: { type?: string; metric?: string; data?: { time?: string; value?: number; tags?: Record<string, string> | null } };
      try {
        v = JSON.parse(line);
      } catch {
        throw new UsageError(`${file}:${lineNo}: not JSON (expected k6 --out json lines)`);
      }
      if (v.type !== 'Point') continue;
      const d = v.data;
      const timeMs = Date.parse(d?.time ?? '');
      if (typeof v.metric !== 'string' || typeof d?.value !== 'number' || Number.isNaN(timeMs)) {
        throw new UsageError(`${file}:${lineNo}: a Point needs metric, data.time and data.value`);
      }
      const tag = d.tags?.[ROUND_TAG];
      const round = tag === undefined ? null : Number(tag);
      let list = byMetric.get(v.metric);
      if (!list) byMetric.set(v.metric, (list = []));
      list.push({ timeMs, value: d.value, round: Number.isInteger(round) ? round : null, ...(d.tags?.code ? { code: d.tags.code } : {}) });
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Which window a sample belongs to: its round tag, or its share of the time span. */
type Assign = (s: Sample) => number | null;

export async function ingestK6Stream(files: readonly string[], opts: { trend?: string; rounds?: number } = {}): Promise<IngestedWindow[]> {
  const byMetric = new Map<string, Sample[]>();
  for (const f of files) await readSamples(f, byMetric);
  const file = files.join(', ');
  const trendName = opts.trend ?? LATENCY_TRENDS.find((n) => byMetric.has(n));
  const latency = trendName === undefined ? undefined : byMetric.get(trendName);
  if (!latency || latency.length === 0) {
    throw new UsageError(`${file}: no samples of ${opts.trend ? `"${opts.trend}"` : LATENCY_TRENDS.join(' or ')}; metrics present: ${[...byMetric.keys()].join(', ') || 'none'} (name one with --trend)`);
  }
  const tagged = latency.every((s) => s.round !== null);
  let count: number;
  let assign: Assign;
  /** Untagged: every window is the same slice of time. */
  let fixedSec: number | null = null;
  if (tagged) {
    const rounds = [...new Set(latency.map((s) => s.round!))].filter((r) => r > 0).sort((a, b) => a - b);
    if (rounds.length === 0) throw new UsageError(`${file}: every sample is tagged round 0 (warm-up): nothing was measured`);
    const index = new Map(rounds.map((r, i) => [r, i]));
    count = rounds.length;
    assign = (s) => (s.round === null ? null : (index.get(s.round) ?? null));
  } else {
    count = opts.rounds ?? 1;
    let start = Infinity;
    let end = -Infinity;
    for (const s of latency) {
      start = Math.min(start, s.timeMs);
      end = Math.max(end, s.timeMs);
    }
    const width = (end - start) / count;
    assign = (s) => (s.timeMs < start || s.timeMs > end ? null : Math.min(count - 1, Math.floor(width > 0 ? (s.timeMs - start) / width : 0)));
    fixedSec = width / 1000;
  }

  const windows = Array.from({ length: count }, () => ({ hist: newHistogram(), requests: 0, errors: 0, byKind: {} as Record<string, number>, first: Infinity, last: -Infinity }));
  for (const s of latency) {
    const w = assign(s);
    if (w === null) continue;
    const win = windows[w];
    win.hist.recordValue(Math.max(1, Math.round(s.value * 1000)));
    win.first = Math.min(win.first, s.timeMs);
    win.last = Math.max(win.last, s.timeMs);
  }
  const requestSamples = REQUEST_COUNTERS.map((n) => byMetric.get(n)).find((l) => l && l.length > 0);
  for (const s of requestSamples ?? latency) {
    const w = assign(s);
    if (w !== null) windows[w].requests += requestSamples ? s.value : 1;
  }
  const errorSamples = byMetric.get(ERROR_COUNTER);
  if (errorSamples) {
    for (const s of errorSamples) {
      const w = assign(s);
      if (w === null) continue;
      windows[w].errors += s.value;
      const kind = s.code ?? 'error';
      windows[w].byKind[kind] = (windows[w].byKind[kind] ?? 0) + s.value;
    }
  } else {
    for (const s of byMetric.get(HTTP_FAILED_RATE) ?? []) {
      const w = assign(s);
      if (w !== null && s.value !== 0) windows[w].errors++;
    }
  }
  return windows.map((w) => ({
    requests: w.requests,
    errors: w.errors,
    errorsByKind: w.byKind,
    // A tagged round lasts from its first to its last reply (short by about one gap between replies).
    durationSec: fixedSec ?? Math.max(0, w.last - w.first) / 1000,
    latencyUs: w.hist.totalCount > 0 ? summarize(w.hist) : null,
    histogram: w.hist.totalCount > 0 ? encodeHistogram(w.hist) : null,
  }));
}
