/**
 * Test support: k6 output written line for line in k6's own formats (k6-stream.ts and
 * k6-summary.ts cite where each is defined), from seeded latencies, so a test knows what an ingest
 * must find in it.
 */
import { createRng } from '../../../common/latency.ts';

export interface StreamSpec {
  /** Median latency in ms; each sample is median * exp(N(0, 0.25)). */
  medianMs: number;
  rounds: number;
  perRound: number;
  roundSec: number;
  /** Every n-th call fails with this code (none when absent). */
  errorEvery?: { n: number; code: string };
  /** Tag samples with `round` as overbench's scripts do (0 = warm-up); false = a user's script. */
  tagged?: boolean;
  seed?: number;
  startMs?: number;
}

const metricLine = (name: string, type: string, contains: string) =>
  JSON.stringify({ type: 'Metric', data: { name, type, contains, thresholds: [], submetrics: null }, metric: name });
/** RFC 3339 with nanoseconds and an offset, as k6 writes Go's time.Time: 2026-11-30T12:00:00.250000000+00:00. */
function rfc3339Nano(timeMs: number): string {
  const ns = String(Math.round((timeMs - Math.floor(timeMs)) * 1e6)).padStart(6, '0').slice(0, 6);
  return new Date(Math.floor(timeMs)).toISOString().replace(/Z$/, `${ns}+00:00`);
}
const point = (metric: string, timeMs: number, value: number, tags: Record<string, string>) =>
  JSON.stringify({ type: 'Point', data: { time: rfc3339Nano(timeMs), value, tags }, metric });

/** A `k6 run --out json` stream: one warm-up round (tagged 0) when tagged, then `rounds` rounds. */
export function k6Stream(spec: StreamSpec): { text: string; latenciesMs: number[][]; errors: number[] } {
  const rng = createRng(spec.seed ?? 1);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const lines = [metricLine('exai_reply_latency', 'trend', 'time'), metricLine('exai_requests', 'counter', 'default'), metricLine('exai_errors', 'counter', 'default')];
  const latenciesMs: number[][] = [];
  const errors: number[] = [];
  const start = spec.startMs ?? Date.UTC(2026, 10, 30, 12, 0, 0);
  const first = spec.tagged === false ? 1 : 0;
  let call = 0;
  for (let r = first; r <= spec.rounds; r++) {
    const lat: number[] = [];
    let errs = 0;
    for (let i = 0; i < spec.perRound; i++) {
      const t = start + (r - first) * spec.roundSec * 1000 + ((i + 0.5) / spec.perRound) * spec.roundSec * 1000;
      const tags: Record<string, string> = { scenario: 'chat-realistic', tool: 'chat', ...(spec.tagged === false ? {} : { round: String(r) }) };
      const ms = spec.medianMs * Math.exp(0.25 * gauss());
      lines.push(point('exai_reply_latency', t, ms, tags), point('exai_requests', t, 1, tags));
      lat.push(ms);
      call++;
      if (spec.errorEvery && call % spec.errorEvery.n === 0) {
        lines.push(point('exai_errors', t, 1, { ...tags, code: spec.errorEvery.code }));
        errs++;
      }
    }
    if (r > 0) {
      latenciesMs.push(lat);
      errors.push(errs);
    }
  }
  return { text: lines.join('\n') + '\n', latenciesMs, errors };
}
