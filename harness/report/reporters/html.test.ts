import { describe, expect, it } from 'vitest';
import { Calibration } from '../../result/calibration.ts';
import { historyEntry } from '../history.ts';
import { splitCommonSentences } from '../html/tight-section.ts';
import { defaultContext } from '../reporter.ts';
import { realisticScenario, resultOf, sampleResult } from '../testing/result-fixture.ts';
import { htmlReporter } from './html.ts';

const dataOf = (html: string) => {
  const m = /<script type="application\/json" id="overbench-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no embedded data');
  return JSON.parse(m[1]) as { charts: { id: string; xKind: string; series: { label: string; values: (number | null)[] }[] }[] };
};

describe('html reporter (static checks; the browser test draws it)', () => {
  const result = sampleResult();
  const html = htmlReporter.render(result, defaultContext());

  it('is one self-contained document: inline styles and scripts, a CSP that forbids every fetch', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<link\b/);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/@import/);
    expect(html).toContain('uPlot'); // the library itself is inlined
  });

  it('puts the verdict first, then scenarios, the tight table, the environment', () => {
    const at = (s: string) => html.indexOf(s);
    expect(at('id="verdict"')).toBeGreaterThan(0);
    expect(at('id="verdict"')).toBeLessThan(at('class="scenario"'));
    expect(at('class="scenario"')).toBeLessThan(at('id="tight"'));
    expect(at('id="tight"')).toBeLessThan(at('id="environment"'));
    expect(html).toContain('<span class="badge fail big">FAIL</span>');
    const all = result.scenarios.flatMap((x) => x.comparisons);
    const n = (v: string) => all.filter((c) => c.verdict === v).length;
    expect(all).toHaveLength(12);
    expect(html).toContain(`<strong>12</strong> budget comparisons over <strong>4</strong> scenarios: ${n('pass')} pass, ${n('fail')} fail, ${n('inconclusive')} inconclusive.`);
  });

  it('shows every comparison with its interval and words, escaping names', () => {
    for (const s of result.scenarios) for (const c of s.comparisons) expect(html).toContain(c.note!);
    expect(html).toContain('status &lt;storm&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<storm>');
    expect(html).toContain('Performance has regressed beyond the budget');
  });

  it('embeds chart data: a spectrum and three per-round charts per realistic scenario', () => {
    const { charts } = dataOf(html);
    expect(charts.map((c) => c.id)).toEqual(['c0-spectrum', 'c0-p99', 'c0-cpu', 'c0-tput', 'c1-spectrum', 'c1-p99', 'c1-cpu', 'c1-tput']);
    const spectrum = charts[0];
    expect(spectrum.xKind).toBe('nines');
    expect(spectrum.series).toHaveLength(2);
    expect(spectrum.series[0].values.every((v) => typeof v === 'number' && v > 0 || v === 0)).toBe(true);
    // the failing scenario has an invalid window, drawn as its own series
    expect(charts[5].series.map((s) => s.label)).toEqual(['baseline', 'instrumented', 'invalid (excluded)']);
  });

  it('summarises tight scenarios in one verdict row and keeps the per-backend rows for their table', () => {
    const verdict = html.slice(html.indexOf('id="verdict"'), html.indexOf('class="scenario"'));
    const tight = result.scenarios.filter((x) => x.kind === 'tight');
    const legacy = tight.find((x) => x.name === 'tight/hot-path/legacy')!;
    expect(legacy.verdict).toBe('fail');
    const n = (v: string) => tight.filter((x) => x.verdict === v).length;
    expect(verdict).toContain(`2 scenarios: ${n('pass')} pass, ${n('fail')} fail, ${n('inconclusive')} inconclusive <span class="muted">(fail: hot-path/legacy`);
    expect(verdict).not.toContain('ns per operation');
  });

  it('says a sentence shared by every backend of a workload once', () => {
    const same = 'recording cost as a share of one hot-path frame (5078 ns without metrics).';
    expect(splitCommonSentences([`${same} Performance has regressed.`, `${same} Change within noise.`])).toEqual({
      common: same, rest: ['Performance has regressed.', 'Change within noise.'],
    });
    expect(splitCommonSentences(['Only one.'])).toEqual({ common: '', rest: ['Only one.'] });
  });

  it('shows the tight results as a table with ns/op intervals and ops/s', () => {
    const tight = html.slice(html.indexOf('id="tight"'), html.indexOf('id="environment"'));
    expect(tight).toMatch(/fast<\/td><td class="num">\d+ ns <span class="muted">\[\d+ ns, \d+ ns\]<\/span>/);
    expect(tight).toMatch(/legacy<\/td><td class="num">2\.\d+ us/);
    expect(tight).toContain('M ops/s');
  });

  it('shows exactness, invalid windows and why, environment and the command', () => {
    expect(html).toContain('MISCOUNTED: the metrics recorded 4,990 of 5,000 frames');
    expect(html).toContain('round 2, instrumented: driver CPU 97% &gt; 90%');
    expect(html).toContain('redis: real, supabase: fake, provider: fake');
    expect(html).toContain('0123456789abcdef0123456789abcdef01234567');
    expect(html).toContain('<pre><code>overbench realistic --scenario chat-realistic --profile smoke --seed 7</code></pre>');
  });

  it("shows the metrics backends' timer CPU where the windows carry it, and no such section where they do not", () => {
    expect(html).not.toContain('<h3>Metrics timers</h3>');
    const s = realisticScenario({ name: 'hot-path-open', rounds: 4 });
    const rounds = s.rounds.map((r) => ({ ...r, extra: { metricsTimerCpuUs: r.variant === 'instrumented' ? r.requests * 0.5 : 0 } }));
    const timed = htmlReporter.render(resultOf([{ ...s, rounds }]), defaultContext());
    expect(timed).toContain('<h3>Metrics timers</h3><p>metrics timers (flushes, roll-ups, sweeps; CPU): instrumented 0.5 us per request');
    expect(timed).toContain('baseline 0 us per request');
  });

  it('draws a trend per scenario when history has earlier runs', () => {
    const earlier = ['01', '02'].map((h) => ({ ...historyEntry(result), runId: `r${h}`, time: `2026-11-26T${h}:00:00.000Z` }));
    const { charts } = dataOf(htmlReporter.render(result, defaultContext({ history: earlier })));
    const trend = charts.find((c) => c.id === 'c0-trend')!;
    expect(trend.xKind).toBe('time');
    expect(trend.series.map((s) => s.label)).toEqual(['p50 latency', 'p95 latency', 'p99 latency', 'throughput', 'CPU per request']);
    expect(trend.series[0].values).toHaveLength(3);
    expect(charts.some((c) => c.id.startsWith('tight-trend-'))).toBe(true);
  });

  it('cannot be broken out of by </script> in any string', () => {
    const evil = '</script><script>alert(1)</script><!--';
    const r = resultOf([realisticScenario({ name: evil })], { command: `overbench realistic ${evil}` });
    const page = htmlReporter.render(r, defaultContext({ labels: { baseline: evil, instrumented: 'new' } }));
    expect(page.match(/<script\b/g)).toHaveLength(3); // data, uPlot, client
    expect(dataOf(page).charts[0].series[0].label).toContain(evil);
  });
});

describe('html reporter: the calibration section', () => {
  const level = (multiple: number, burnUs: number, expectedPct: number, est: number, lo: number, hi: number, verdict: 'pass' | 'fail' | 'inconclusive') =>
    ({ burnUs, expectedPct, estimatePct: est, ciLowPct: lo, ciHighPct: hi, verdict, multiple, coverage: lo <= expectedPct && expectedPct <= hi });
  const calibration = Calibration.parse({
    schemaVersion: 1,
    finishedAt: '2026-11-30T12:00:00.000Z',
    command: 'overbench calibrate --profile ci',
    scenarios: [
      {
        name: 'chat-realistic', profile: 'ci', rounds: 12, design: 'duet',
        aa: { repeats: 3, falseFailRate: 0, falseInconclusiveRate: 1 / 3, halfWidthPct: { cpuPerRequest: 2.5, p99: 14 }, coversZero: { cpuPerRequest: 2 / 3, p99: 1 }, estimateSdPct: { cpuPerRequest: 3.1 } },
        injected: [level(0, 0, 0, 0.4, -2, 2.9, 'pass'), level(2, 20, 10, 7.5, 5.1, 9.9, 'fail')],
        mdePct: { cpuPerRequest: 2.9, p99: 16 },
        budgetsPct: { cpuPerRequest: 5, p99: 5 },
        roundsFor: { cpuPerRequest: 4, p99: 120 },
        intervalHonesty: { n: 4, scale: 2.6, chiSquare: 27.04, pValue: 0.00002 },
        pairLuck: { cpuPerRequest: { sdPct: 2.4, n: 4, mdePct: 7.1, covered: 4, honesty: { n: 4, scale: 1.0, chiSquare: 4, pValue: 0.41 } } },
      },
      { name: 'not-in-this-run', profile: 'ci', rounds: 5, aa: { repeats: 1, falseFailRate: 0, falseInconclusiveRate: 0, halfWidthPct: {} }, injected: [], mdePct: {} },
    ],
  });
  const html = htmlReporter.render(sampleResult(), defaultContext({ calibration }));
  const section = html.slice(html.indexOf('<section id="calibration">'), html.indexOf('</section>', html.indexOf('<section id="calibration">')));

  it('comes after the scenarios it calibrates and before the tight table, and shows only those scenarios', () => {
    expect(html.indexOf('class="scenario"')).toBeLessThan(html.indexOf('id="calibration"'));
    expect(html.indexOf('id="calibration"')).toBeLessThan(html.indexOf('id="tight"'));
    expect(section).toContain('<h3>chat-realistic</h3>');
    expect(section).not.toContain('not-in-this-run');
    expect(section).toContain('ci profile, 12 rounds, duet: A/A 3 repeat(s), false fail 0%, false inconclusive 33%');
  });

  it('shows each metric power and marks a budget below its MDE; each injected level with coverage', () => {
    // A/A intervals holding 0 in 2 of 3 repeats: short of the 95% they promise, in red.
    expect(section).toMatch(/CPU per request<\/td><td class="num">\+5%<\/td><td class="num">&plusmn;2.5%<\/td><td class="num bad">67%<\/td><td class="num">3.1%<\/td><td class="num">2.9%<\/td><td class="num">4<\/td>/);
    expect(section).toMatch(/p99 latency<\/td><td class="num">\+5%<\/td><td class="num">&plusmn;14.0%<\/td><td class="num">100%<\/td><td class="num">n\/a<\/td><td class="num bad">16.0%<\/td>/);
    expect(section).toMatch(/0x budget<\/td><td class="num">0 us<\/td><td class="num">0.00%<\/td><td class="num">\+0.40% \[-2.00%, \+2.90%\]<\/td>.*?PASS.*?<td>yes<\/td>/);
    // The 2x level's interval [5.1, 9.9] misses its expected +10%: said, in red.
    expect(section).toMatch(/2x budget<\/td><td class="num">20 us<\/td><td class="num">\+10.00%<\/td>.*?FAIL.*?<strong class="bad">no<\/strong>/);
  });

  it('says when the intervals are narrower than the truth needs, in red, with the remedy', () => {
    expect(section).toContain('<p class="small bad">Interval honesty: CPU per request, 4 intervals with a known truth (A/A and injected): they miss it by 2.6 standard errors');
    expect(section).toContain('chi-square 27.0 on 4, p &lt; 0.001: the intervals are 2.6x too narrow;');
    expect(section).toContain('--processes (4 or more)');
    // The luck that makes them honest, and the flag that uses it.
    expect(section).toContain('<p class="small">Pair luck: CPU per request, one pair of processes carries an offset of sd 2.4%');
    expect(section).toContain('held its truth in 4 of 4');
  });

  it('is absent without a calibration, or when it covers none of the run scenarios', () => {
    expect(htmlReporter.render(sampleResult(), defaultContext())).not.toContain('id="calibration"');
    const other = Calibration.parse({ ...calibration, scenarios: [calibration.scenarios[1]] });
    expect(htmlReporter.render(sampleResult(), defaultContext({ calibration: other }))).not.toContain('id="calibration"');
  });
});
