import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, readSnapshot } from './index.ts';
import { COUNTER_NAMES, PROM_COUNTER_NAMES } from './counter-names.ts';
import { runScript } from './testing/run-script.ts';
import { SampledMetrics } from './sampled.ts';
import type { BackendName, MetricsBackend } from './types.ts';

const open: MetricsBackend[] = [];
function make(name: BackendName): MetricsBackend {
  const m = createMetrics(name);
  open.push(m);
  return m;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

/** Sum of `name{...}` samples (unlabelled total line or labelled per-client lines) in exposition text. */
function promSamples(text: string, metric: string): { total?: number; byClient: Record<string, number> } {
  const byClient: Record<string, number> = {};
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(metric)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+]+|NaN|\+Inf)$/.exec(line);
    expect(m, `unparsable exposition line: ${line}`).not.toBeNull();
    if (m![1] !== metric) continue;
    const client = /client="([^"]*)"/.exec(m![3] ?? '')?.[1];
    if (client === undefined) total = Number(m![4]);
    else byClient[client] = (byClient[client] ?? 0) + Number(m![4]);
  }
  return { total, byClient };
}

describe.each(['legacy', 'prom', 'otel', 'fast'] as const)('%s backend (exact)', (name) => {
  it('snapshot totals and per-client counters equal the truth', async () => {
    const m = make(name);
    const truth = runScript(m, { clients: 7, framesPerClient: 300 });
    const snap = await readSnapshot(m);
    expect(snap.backend).toBe(name);
    expect(snap.exact).toBe(true);
    expect(snap.totals).toEqual(truth.totals);
    expect(snap.clients).toEqual(truth.clients);
    expect(snap.errorsByKind).toEqual(truth.errorsByKind);
    expect(Object.keys(truth.errorsByKind).sort()).toEqual(['protocol', 'provider', 'tool_error']);
    expect(snap.latencyUs.total?.count).toBe(truth.stageCount);
    expect(snap.latencyUs.total!.p50).toBeGreaterThan(0);
    expect(snap.requests?.status.ok).toBeGreaterThan(0);
    expect(snap.circuits?.glm).toBe('OPEN');
  });

  it('prometheus() text parses and carries the same counters', async () => {
    const m = make(name);
    const truth = runScript(m, { clients: 3, framesPerClient: 40 });
    const text = await m.prometheus();
    for (const counter of COUNTER_NAMES) {
      const { total, byClient } = promSamples(text, PROM_COUNTER_NAMES[counter]);
      // a library exposition has per-label series only; our renderer has a total line as well
      const sumClients = Object.entries(byClient).filter(([id]) => id !== '').reduce((a, [, v]) => a + v, 0);
      for (const [id, c] of Object.entries(truth.clients)) expect(byClient[id] ?? 0).toBe(c[counter]);
      // our renderer writes the total (errors without a client are in it); prom-client has a client="" series
      if (total !== undefined) expect(total).toBe(truth.totals[counter]);
      else expect(sumClients + (byClient[''] ?? 0)).toBe(truth.totals[counter]);
    }
    // Errors by kind under one series name for every backend (the libraries' and our renderer's).
    const kinds: Record<string, number> = {};
    for (const m of text.matchAll(/^overbench_errors_by_kind_total\{kind="([a-z_]+)"\} (\d+)$/gm)) kinds[m[1]] = Number(m[2]);
    expect(kinds).toEqual(truth.errorsByKind);
  });
});

describe('none backend', () => {
  it('records nothing: zero totals, backend none, exact', async () => {
    const m = make('none');
    runScript(m, { clients: 2, framesPerClient: 10 });
    const snap = await readSnapshot(m);
    expect(snap.backend).toBe('none');
    expect(snap.exact).toBe(true);
    expect(Object.values(snap.totals).every((v) => v === 0)).toBe(true);
    // Nothing counted, so no kinds either: the dashboard says so rather than show zeros.
    expect(snap.errorsByKind).toBeUndefined();
    expect(await m.prometheus()).toMatch(/^#/);
  });
});

describe('sampled backend', () => {
  it('says it is not exact, and estimates totals within its stated error', async () => {
    const m = make('sampled') as SampledMetrics;
    expect(m.exact).toBe(false);
    // 20 clients x 5,000 frames = 100k received frames; flushed as it goes so the 2,000-slot
    // ring does not overflow (overflow is the design's other failure, tested below)
    const truth = { received: 0 };
    const refs = Array.from({ length: 20 }, (_, i) => m.client(`c${i}`));
    for (let f = 0; f < 5000; f++) {
      for (const r of refs) { m.frameReceived(r, 10); truth.received += 1; }
      if (f % 1000 === 999) m.flush();
    }
    const est = m.snapshot().totals.messagesReceived;
    // binomial: relative sd = sqrt((1-p)/(N p)) = 1.8% at N=100k, p=3%; allow 5 sigma
    const p = 0.03;
    const sigma = Math.sqrt((1 - p) / (truth.received * p));
    expect(Math.abs(est / truth.received - 1)).toBeLessThan(5 * sigma);
    expect(m.meta().metricsDropped).toBe(0);
  });

  it('estimates errors by kind from the kind each sampled error carries', () => {
    const m = make('sampled') as SampledMetrics;
    const r = m.client('x');
    for (let i = 0; i < 200_000; i++) {
      m.error(r, i % 4 === 0 ? 'timeout' : 'tool_not_found');
      if (i % 1000 === 999) m.flush();
    }
    const byKind = m.snapshot().errorsByKind!;
    expect(Object.keys(byKind).sort()).toEqual(['timeout', 'tool_not_found']);
    // 50,000 and 150,000 at a 3% rate: relative sd 2.5% and 1.5%; allow 5 sigma
    expect(Math.abs(byKind.timeout! / 50_000 - 1)).toBeLessThan(0.13);
    expect(Math.abs(byKind.tool_not_found! / 150_000 - 1)).toBeLessThan(0.075);
  });

  it('loses events when more are sampled between flushes than the ring holds', () => {
    const m = make('sampled') as SampledMetrics;
    const r = m.client('x');
    for (let i = 0; i < 200_000; i++) m.frameSent(r, 1); // ~6,000 sampled > 2,000 slots
    expect(m.meta().metricsDropped).toBeGreaterThan(0);
    expect(m.snapshot().totals.messagesSent).toBeLessThan(200_000 * 0.5);
  });

  it('with a seeded random source it is reproducible', () => {
    const seeded = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const a = new SampledMetrics({ random: seeded(7) });
    const b = new SampledMetrics({ random: seeded(7) });
    for (const m of [a, b]) { const r = m.client('x'); for (let i = 0; i < 10_000; i++) m.frameReceived(r, 1); }
    expect(a.snapshot().totals).toEqual(b.snapshot().totals);
  });
});

describe('createMetrics', () => {
  it('gives independent instances', () => {
    const a = make('fast');
    const b = make('fast');
    a.frameReceived(a.client('x'), 1);
    expect(b.snapshot().totals.messagesReceived).toBe(0);
  });
  it('rejects an unknown name', () => {
    expect(() => createMetrics('nope' as BackendName)).toThrow(/unknown metrics backend "nope"/);
  });
  it('otel refuses a synchronous snapshot and names the way out', () => {
    expect(() => make('otel').snapshot()).toThrow(/readSnapshot/);
  });
});
