import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { decodeHistogram } from '../driver/histogram.ts';
import { compareResults } from '../report/compare-results.ts';
import { defaultContext } from '../report/reporter.ts';
import { ReportersMap } from '../report/reporters/index.ts';
import { Result } from '../result/schema.ts';
import { ingestResult } from './result.ts';
import { readWindows } from './read.ts';
import { k6Stream } from './testing/k6-output.ts';

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
const fixture = (name: string) => path.join(FIXTURES, name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-ingest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('k6 summaries', () => {
  it('reads handleSummary data: ms -> us, requests and errors from the exai counters, the run duration', async () => {
    const [w] = await readWindows('k6', [fixture('k6-handle-summary.json')]);
    expect(w.requests).toBe(1200);
    expect(w.errors).toBe(12);
    expect(w.durationSec).toBeCloseTo(12.0005, 6);
    expect(w.latencyUs).toEqual({ p50: 120_400, p95: 330_800, p99: 702_300, p999: 1_288_400, max: 1_502_900, mean: 131_200 });
    expect(w.histogram).toBeNull();
  });

  it('reads the legacy --summary-export: duration from a counter, errors from http_req_failed passes', async () => {
    const [w] = await readWindows('k6', [fixture('k6-summary-export.json')]);
    expect(w.requests).toBe(5000);
    expect(w.errors).toBe(25);
    expect(w.durationSec).toBe(10);
    expect(w.latencyUs?.p99).toBeCloseTo(9800, 6);
  });

  it('a summary without the percentiles a result needs is one line naming the fix', async () => {
    const file = await write('no-p99.json', JSON.stringify({ metrics: { http_req_duration: { type: 'trend', contains: 'time', values: { avg: 1, med: 1, max: 2, 'p(95)': 2 } } } }));
    await expect(readWindows('k6', [file])).rejects.toThrow(/http_req_duration has no p\(99\), p\(99\.9\); run k6 with --summary-trend-stats/);
    const other = await write('other.json', JSON.stringify({ metrics: { vus: { type: 'gauge', values: { value: 1 } } } }));
    await expect(readWindows('k6', [other])).rejects.toThrow(/no latency Trend \(exai_reply_latency or http_req_duration\); metrics present: vus/);
    await expect(readWindows('k6', [await write('bad.json', '{"metrics": ')])).rejects.toBeInstanceOf(UsageError);
    await expect(readWindows('k6', [path.join(dir, 'missing.json')])).rejects.toThrow(/missing\.json: not found/);
  });
});

describe('the k6 --out json stream', () => {
  it('one window per round tag, warm-up left out, every sample in its histogram, errors by code', async () => {
    const s = k6Stream({ medianMs: 8, rounds: 4, perRound: 300, roundSec: 2, errorEvery: { n: 50, code: 'PROVIDER_ERROR' }, seed: 3 });
    const windows = await readWindows('k6', [await write('tagged.ndjson', s.text)]);
    expect(windows).toHaveLength(4);
    windows.forEach((w, i) => {
      expect(w.requests).toBe(300);
      expect(w.errors).toBe(s.errors[i]);
      expect(w.errorsByKind).toEqual(s.errors[i] ? { PROVIDER_ERROR: s.errors[i] } : {});
      const h = decodeHistogram(w.histogram!);
      expect(h.totalCount).toBe(300);
      // 3 significant digits: the histogram's median is within 0.1% of the samples' median.
      const median = sorted(s.latenciesMs[i])[149] * 1000;
      expect(Math.abs(w.latencyUs!.p50 - median) / median).toBeLessThan(0.002);
      // First to last sample of a 2 s round placed at (i + 0.5) / 300 of it (times in ms).
      expect(w.durationSec).toBeCloseTo(2 * (299 / 300), 2);
    });
    expect(windows.reduce((n, w) => n + w.errors, 0)).toBe(s.errors.reduce((a, b) => a + b, 0));
  });

  it('an untagged stream (a user script) is cut into --rounds equal slices of time; .gz is read too', async () => {
    const s = k6Stream({ medianMs: 2, rounds: 3, perRound: 100, roundSec: 1, tagged: false });
    const file = await write('user.json.gz', gzipSync(s.text));
    const windows = await readWindows('k6', [file], { rounds: 3 });
    expect(windows.map((w) => w.requests)).toEqual([100, 100, 100]);
    expect(windows[0].durationSec).toBeCloseTo((3 - 1 / 100) / 3, 6);
    const one = await readWindows('k6', [file]);
    expect(one).toHaveLength(1);
    expect(one[0].requests).toBe(300);
  });

  it('several streams of one test (the runners of a distributed run) are pooled round by round', async () => {
    const s = k6Stream({ medianMs: 5, rounds: 3, perRound: 200, roundSec: 1, seed: 9 });
    const [head, ...body] = s.text.trim().split('\n').reduce<string[][]>((acc, l, i) => (i < 3 ? [[...acc[0], l]] : acc.length === 1 ? [acc[0], [l]] : [acc[0], [...acc[1], l]]), [[]]);
    // Runner A gets the even calls, runner B the odd ones (2 lines per call), each with the Metric lines.
    const calls = body[0].reduce<string[][]>((acc, l, i) => (i % 2 === 0 ? [...acc, [l]] : (acc[acc.length - 1].push(l), acc)), []);
    const a = await write('runner-a.ndjson', [...head, ...calls.filter((_, i) => i % 2 === 0).flat()].join('\n') + '\n');
    const b = await write('runner-b.ndjson', [...head, ...calls.filter((_, i) => i % 2 === 1).flat()].join('\n') + '\n');
    const pooled = await readWindows('k6', [a, b]);
    const whole = await readWindows('k6', [await write('whole.ndjson', s.text)]);
    expect(pooled.map((w) => w.requests)).toEqual([200, 200, 200]);
    expect(pooled.map((w) => w.latencyUs)).toEqual(whole.map((w) => w.latencyUs));
    await expect(readWindows('k6', [a, fixture('k6-handle-summary.json')])).rejects.toThrow(/not both/);
  });

  it("reads the lines of k6's own JSON output docs (http_req_duration of an HTTP script)", async () => {
    // From grafana.com/docs/k6/latest/results-output/real-time/json/, plus a second request.
    const lines = [
      '{"type":"Metric","data":{"type":"gauge","contains":"default","tainted":null,"thresholds":[],"submetrics":null},"metric":"vus"}',
      '{"type":"Point","data":{"time":"2017-05-09T14:34:45.625742514+02:00","value":5,"tags":null},"metric":"vus"}',
      '{"type":"Metric","data":{"type":"trend","contains":"time","tainted":null,"thresholds":["avg<1000"],"submetrics":null},"metric":"http_req_duration"}',
      '{"type":"Point","data":{"time":"2017-05-09T14:34:45.239531499+02:00","value":459.865729,"tags":{"group":"::my group::json","method":"GET","status":"200","url":"https://httpbin.test.k6.io/get"}},"metric":"http_req_duration"}',
      '{"type":"Point","data":{"time":"2017-05-09T14:34:46.239531499+02:00","value":120.5,"tags":{"group":"::my group::json","method":"GET","status":"200","url":"https://httpbin.test.k6.io/get"}},"metric":"http_req_duration"}',
    ];
    const [w] = await readWindows('k6', [await write('k6-docs.json', lines.join('\n') + '\n')]);
    expect(w.requests).toBe(2);
    expect(w.errors).toBe(0);
    expect(w.latencyUs!.max).toBeGreaterThanOrEqual(459_865 * 0.999);
    expect(w.durationSec).toBeCloseTo(1, 6);
  });

  it('a line that is not JSON names the file and line', async () => {
    // 3 Metric lines, then 2 lines per call for the warm-up and round 1: the bad line is the 16th.
    const s = k6Stream({ medianMs: 2, rounds: 1, perRound: 3, roundSec: 1 });
    const file = await write('broken.ndjson', s.text + '{oops\n');
    await expect(readWindows('k6', [file])).rejects.toThrow(/broken\.ndjson:16: not JSON/);
  });
});

describe('autocannon', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    let n = 0;
    server = createServer((req, res) => {
      // Every 10th request answered 503: non-2xx responses are errors.
      res.writeHead(++n % 10 === 0 ? 503 : 200, { 'content-type': 'application/json' });
      res.end('{"status":"healthy"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('reads what autocannon --json writes: answered plus failed requests, non-2xx as errors, latency kept in extra', async () => {
    const out = await autocannon({ url, connections: 2, amount: 200 });
    const file = await write('autocannon.json', JSON.stringify(out));
    const [w] = await readWindows('autocannon', [file]);
    expect(w.requests).toBe(out.requests.total + out.errors);
    expect(w.requests).toBe(200);
    expect(w.errors).toBe(20);
    expect(w.errorsByKind).toEqual({ non2xx: 20 });
    expect(w.durationSec).toBe(out.duration);
    expect(w.latencyUs).toBeNull();
    expect(w.extra?.latencyP50Us).toBe(out.latency.p50 * 1000);
    await expect(readWindows('autocannon', [fixture('k6-handle-summary.json')])).rejects.toThrow(/not an autocannon result/);
  });

  it('as a result: throughput and error rate judged (no latency without a p95), accepted by every reporter and by compare', async () => {
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await write(`ac-${i}.json`, JSON.stringify(await autocannon({ url, connections: 1, amount: 100 }))));
    const common = { tool: 'autocannon' as const, seed: 3, command: 'overbench ingest autocannon ...', startedAt: new Date() };
    const b = ingestResult({ ...common, variant: 'baseline', files: runs, windows: await readWindows('autocannon', runs) });
    const both = Result.parse(ingestResult({ ...common, variant: 'instrumented', into: b, files: runs, windows: await readWindows('autocannon', runs) }));
    const s = both.scenarios[0];
    expect(s.comparisons.map((c) => c.metric)).toEqual(['throughput', 'errorRate']);
    // The same five runs on both sides: no change, inside any budget.
    expect(s.comparisons.find((c) => c.metric === 'throughput')).toMatchObject({ estimatePct: 0, verdict: 'pass' });
    const ctx = defaultContext({ inconclusive: 'fail' });
    for (const name of ['markdown', 'junit', 'html'] as const) expect(ReportersMap[name].render(both, ctx).length, name).toBeGreaterThan(0);
    expect(compareResults(both, both, { seed: 1 }).result.scenarios[0].comparisons.map((c) => c.metric)).toEqual(['throughput', 'errorRate']);
  }, 30_000);
});

describe('ingested rounds as a result', () => {
  const base = { tool: 'k6' as const, seed: 7, command: 'overbench ingest k6 ...', startedAt: new Date('2026-11-30T12:00:00Z') };

  async function streamWindows(name: string, medianMs: number, seed: number) {
    const s = k6Stream({ medianMs, rounds: 6, perRound: 400, roundSec: 2, seed });
    return { files: [name], windows: await readWindows('k6', [await write(name, s.text)]) };
  }

  it('one variant: a valid result without verdicts; the other --into it: the comparisons of a run', async () => {
    const first = ingestResult({ ...base, variant: 'baseline', ...(await streamWindows('baseline.ndjson', 10, 1)) });
    expect(Result.parse(first)).toBeTruthy();
    expect(first.scenarios[0].verdict).toBe('inconclusive');
    expect(first.scenarios[0].comparisons.every((c) => c.estimatePct === null && c.note?.startsWith('Only the baseline variant so far'))).toBe(true);
    expect(first.scenarios[0].name).toBe('baseline');
    expect(first.scenarios[0].variants.baseline.target).toBe('k6:baseline.ndjson');

    // 30% slower at every percentile: p50 must fail a 5% budget; no CPU was measured, so no cpuPerRequest.
    const second = ingestResult({ ...base, variant: 'instrumented', into: first, ...(await streamWindows('instrumented.ndjson', 13, 2)) });
    const s = Result.parse(second).scenarios[0];
    expect(s.rounds.filter((r) => r.variant === 'instrumented').map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.comparisons.map((c) => c.metric)).toEqual(['p50', 'p95', 'p99', 'throughput', 'errorRate']);
    const p50 = s.comparisons.find((c) => c.metric === 'p50')!;
    expect(p50.verdict).toBe('fail');
    expect(p50.estimatePct).toBeGreaterThan(20);
    expect(p50.estimatePct).toBeLessThan(40);
    expect(s.verdict).toBe('fail');
    expect(second.verdict).toBe('fail');

    // Every reporter renders it, and `compare` takes two such results.
    const ctx = defaultContext({ inconclusive: 'fail' });
    expect(ReportersMap.markdown.render(second, ctx)).toContain('p50');
    expect(ReportersMap.junit.render(second, ctx)).toContain('<testsuite');
    const same = compareResults(second, second, { seed: 1 });
    expect(same.result.scenarios[0].comparisons.find((c) => c.metric === 'p50')?.verdict).toBe('pass');
  });

  it('equal variants pass; --scenario budgets are used; more rounds of a variant are appended', async () => {
    const b = ingestResult({ ...base, variant: 'baseline', ...(await streamWindows('b.ndjson', 10, 5)), scenario: { name: 'chat-realistic', budgets: { p50: 10, p95: 10, p99: 20, throughput: 5 } } });
    const i = ingestResult({ ...base, variant: 'instrumented', into: b, ...(await streamWindows('i.ndjson', 10, 6)), scenario: { name: 'chat-realistic', budgets: { p50: 10, p95: 10, p99: 20, throughput: 5 } } });
    const s = i.scenarios[0];
    expect(s.name).toBe('chat-realistic');
    expect(s.comparisons.find((c) => c.metric === 'p50')).toMatchObject({ budgetPct: 10, verdict: 'pass' });
    const more = ingestResult({ ...base, variant: 'baseline', into: i, ...(await streamWindows('b2.ndjson', 10, 7)) });
    expect(more.scenarios[0].rounds.filter((r) => r.variant === 'baseline').map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // The earlier result's budgets are kept.
    expect(more.scenarios[0].comparisons.find((c) => c.metric === 'p99')?.budgetPct).toBe(20);
    const windows = await readWindows('k6', [fixture('k6-handle-summary.json')]);
    expect(() => ingestResult({ ...base, variant: 'baseline', into: i, files: ['x'], windows, scenario: { name: 'other', budgets: {} } })).toThrow(/has no scenario "other"/);
  });
});
