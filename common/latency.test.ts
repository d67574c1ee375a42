import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, LatencySpecError, parseDurationUs, parseLatency, sleepUs, type Rng } from './latency.ts';

const N = 20_000;

function draw(spec: string, seed = 42, n = N, baseDir?: string): number[] {
  const model = parseLatency(spec, { baseDir });
  const rng = createRng(seed);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = model.sampleUs(rng);
  return out;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

function expectNear(actual: number, expected: number, relTol: number): void {
  expect(Math.abs(actual - expected) / expected, `${actual} vs ${expected}`).toBeLessThan(relTol);
}

describe('createRng', () => {
  it('is reproducible by seed and differs between seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const sa = Array.from({ length: 100 }, a);
    expect(Array.from({ length: 100 }, b)).toEqual(sa);
    expect(Array.from({ length: 100 }, c)).not.toEqual(sa);
  });

  it('draws uniformly in [0, 1)', () => {
    const rng: Rng = createRng(3);
    const v = Array.from({ length: N }, rng);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(1);
    expect(mean(v)).toBeGreaterThan(0.49);
    expect(mean(v)).toBeLessThan(0.51);
    // Each decile holds about a tenth of the draws.
    const buckets = new Array(10).fill(0);
    for (const x of v) buckets[Math.floor(x * 10)]++;
    for (const count of buckets) expect(Math.abs(count - N / 10)).toBeLessThan(N / 10 * 0.08);
  });
});

describe('parseDurationUs', () => {
  it.each([
    ['5ms', 5000],
    ['200us', 200],
    ['1.5s', 1_500_000],
    ['0.2ms', 200],
    ['.5ms', 500],
    ['0', 0],
    ['3µs', 3],
  ])('%s -> %d us', (text, us) => expect(parseDurationUs(text)).toBe(us));

  it.each([
    ['5', /no unit/],
    ['5m', /unknown unit "m"/],
    ['-5ms', /negative/],
    ['abc', /not a duration/],
    ['', /not a duration/],
  ])('rejects %j', (text, why) => {
    expect(() => parseDurationUs(text)).toThrow(LatencySpecError);
    expect(() => parseDurationUs(text)).toThrow(why);
  });
});

describe('parseLatency: sample statistics (seeded, 20k draws)', () => {
  it('constant', () => {
    expect(new Set(draw('constant:v=5ms', 1, 100))).toEqual(new Set([5000]));
    expect(draw('constant:0.2ms', 1, 3)).toEqual([200, 200, 200]);
  });

  it('uniform stays in range with median in the middle', () => {
    const v = draw('uniform:min=10ms,max=30ms');
    expect(Math.min(...v)).toBeGreaterThanOrEqual(10_000);
    expect(Math.max(...v)).toBeLessThan(30_000);
    expectNear(quantile(v, 0.5), 20_000, 0.02);
  });

  it('normal: mean and sd', () => {
    const v = draw('normal:mean=8ms,sd=2ms');
    const m = mean(v);
    expectNear(m, 8000, 0.01);
    const sd = Math.sqrt(mean(v.map((x) => (x - m) ** 2)));
    expectNear(sd, 2000, 0.03);
  });

  it('normal is truncated at 0 (never negative)', () => {
    const v = draw('normal:mean=1ms,sd=2ms');
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    // Resampling (not clamping) means no pile of exact zeros.
    expect(v.filter((x) => x === 0).length).toBe(0);
  });

  it('lognormal: median and p99 as specified', () => {
    const v = draw('lognormal:median=120ms,p99=900ms');
    expectNear(quantile(v, 0.5), 120_000, 0.03);
    expectNear(quantile(v, 0.99), 900_000, 0.08);
  });

  it('lognormal with p99 == median is constant', () => {
    expect(new Set(draw('lognormal:median=3ms,p99=3ms', 1, 50)).size).toBe(1);
  });

  it('exponential: mean and median (mean * ln 2)', () => {
    const v = draw('exponential:mean=50ms');
    expectNear(mean(v), 50_000, 0.03);
    expectNear(quantile(v, 0.5), 50_000 * Math.LN2, 0.04);
  });

  it('the same seed reproduces the same samples; another seed does not', () => {
    const spec = 'lognormal:median=10ms,p99=80ms';
    expect(draw(spec, 9, 500)).toEqual(draw(spec, 9, 500));
    expect(draw(spec, 9, 500)).not.toEqual(draw(spec, 10, 500));
  });

  it('keeps the spec text', () => {
    expect(parseLatency('exponential:mean=1ms').spec).toBe('exponential:mean=1ms');
  });

  it('tolerates spaces around keys and values', () => {
    expect(draw('uniform: min = 1ms , max = 1ms', 1, 1)).toEqual([1000]);
  });
});

describe('parseLatency: empirical files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'overbench-latency-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bare numbers are ms, units allowed, comments and blanks skipped, relative to baseDir', () => {
    writeFileSync(join(dir, 'lat.txt'), '# recorded\n1\n\n2ms\n3000us # inline\n');
    const v = draw('empirical:file=lat.txt', 5, 3000, dir);
    expect(new Set(v)).toEqual(new Set([1000, 2000, 3000]));
    // Each recorded value is drawn about a third of the time.
    for (const x of [1000, 2000, 3000]) expect(Math.abs(v.filter((y) => y === x).length - 1000)).toBeLessThan(120);
  });

  it('absolute paths work without baseDir', () => {
    writeFileSync(join(dir, 'abs.txt'), '7\n');
    expect(draw(`empirical:file=${join(dir, 'abs.txt')}`, 1, 2)).toEqual([7000, 7000]);
  });

  it('a bad line names the file and line', () => {
    writeFileSync(join(dir, 'bad.txt'), '1\n2\nfast\n');
    expect(() => parseLatency('empirical:file=bad.txt', { baseDir: dir })).toThrow(/bad\.txt:3: "fast" is not a duration/);
  });

  it('a negative value is an error', () => {
    writeFileSync(join(dir, 'neg.txt'), '-1ms\n');
    expect(() => parseLatency('empirical:file=neg.txt', { baseDir: dir })).toThrow(/neg\.txt:1: "-1ms" is negative/);
  });

  it('an empty file is an error', () => {
    writeFileSync(join(dir, 'empty.txt'), '# nothing\n\n');
    expect(() => parseLatency('empirical:file=empty.txt', { baseDir: dir })).toThrow(/has no values/);
  });

  it('a missing file is an error quoting the spec', () => {
    expect(() => parseLatency('empirical:file=nope.txt', { baseDir: dir })).toThrow(
      /latency spec "empirical:file=nope.txt": cannot read empirical file .*nope\.txt: ENOENT/,
    );
  });
});

describe('parseLatency: errors quote the spec and say what is wrong', () => {
  it.each([
    ['', /empty/],
    ['lognormal', /missing "dist:" prefix/],
    ['gamma:k=1ms', /unknown distribution "gamma"/],
    ['constant:v=5', /v "5" has no unit/],
    ['constant:v=5parsecs', /unknown unit "parsecs"/],
    ['constant:v=-1ms', /"-1ms" is negative/],
    ['constant:x=5ms', /unknown key "x" for constant \(expected v\)/],
    ['constant:', /missing key "v"/],
    ['constant:v=', /missing key "v"/],
    ['uniform:min=1ms', /missing key "max"/],
    ['uniform:min=5ms,max=1ms', /max \(1000us\) is below min \(5000us\)/],
    ['normal:mean=5ms', /missing key "sd"/],
    ['normal:mean=5ms,sd=1ms,skew=2ms', /unknown key "skew"/],
    ['lognormal:median=100ms', /missing key "p99"/],
    ['lognormal:median=100ms,p99=50ms', /p99 \(50000us\) is below median \(100000us\)/],
    ['lognormal:median=0ms,p99=5ms', /median must be > 0/],
    ['exponential:mean=1ms,mean=2ms', /key "mean" given twice/],
    ['uniform:5ms,10ms', /"5ms" is not key=value/],
    ['empirical:', /missing key "file"/],
    ['empirical:file=a.txt,seed=3', /unknown key "seed" for empirical/],
  ])('%j', (spec, why) => {
    let err: unknown;
    try {
      parseLatency(spec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LatencySpecError);
    expect((err as Error).message).toContain(`latency spec "${spec}": `);
    expect((err as Error).message).toMatch(why);
  });
});

describe('sleepUs', () => {
  it('0 resolves on the next turn, not synchronously', async () => {
    let done = false;
    const p = sleepUs(0).then(() => {
      done = true;
    });
    expect(done).toBe(false);
    await p;
    expect(done).toBe(true);
  });

  it('waits about the requested time', async () => {
    const t0 = performance.now();
    await sleepUs(20_000);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
  });
});
