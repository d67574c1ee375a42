import { describe, expect, it } from 'vitest';
import { fmtBudget, fmtInterval, fmtNumber, fmtPct } from '../../../common/format.ts';
import { metricLabel } from '../metric.ts';
import { defaultContext } from '../reporter.ts';
import { sampleResult } from '../testing/result-fixture.ts';
import { markdownReporter } from './markdown.ts';

/** Splits a Markdown table row into cells, honouring escaped pipes. */
const cells = (row: string) => row.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());

describe('markdown reporter', () => {
  const result = sampleResult();
  const md = markdownReporter.render(result, defaultContext());
  const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| scenario'));

  it('starts with the overall verdict', () => {
    expect(md.split('\n')[0]).toBe('## overbench: **FAIL**');
  });

  it('has one row per comparison and exactness check, in order, with the numbers of the result', () => {
    const expected = result.scenarios.flatMap((s) => [
      ...s.comparisons.map((c) => [s.name, metricLabel(c.metric), fmtPct(c.estimatePct), fmtInterval(c.ciLowPct, c.ciHighPct), fmtBudget(c.budgetPct), c.verdict]),
      ...(s.exactness ? [[s.name, 'exactness', `${fmtNumber(s.exactness.recorded, 0)} of ${fmtNumber(s.exactness.expected, 0)} recorded`, '', '', s.exactness.ok ? 'pass' : 'fail']] : []),
    ]);
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const c = cells(row);
      expect(c).toHaveLength(6);
      const name = c[0].replace(/\\\|/g, '|').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      expect([name, ...c.slice(1, 5), c[5].replace(/[*_]/g, '').toLowerCase()]).toEqual(expected[i]);
    });
  });

  it('keeps table cells safe: no raw < or unescaped pipes from names', () => {
    const storm = rows.filter((r) => r.includes('storm'));
    expect(storm.length).toBeGreaterThan(0);
    for (const r of storm) expect(r).toContain('status &lt;storm&gt; &amp; "quotes"');
  });

  it('lists invalid windows with their reason and the command to reproduce', () => {
    expect(md).toContain('1 invalid window excluded: round 2 instrumented (driver CPU 97%');
    expect(md).toContain('Reproduce: `overbench realistic --scenario chat-realistic --profile smoke --seed 7`');
  });

  it('says when a scenario ran as a duet, and whether it was pinned', () => {
    const r = sampleResult();
    r.scenarios[0] = { ...r.scenarios[0], design: 'duet', pinning: 'taskset' };
    const text = markdownReporter.render(r, defaultContext());
    expect(text).toContain(`**${r.scenarios[0].name}**: duet design, both variants measured at the same time (each pinned to its own core, swapped every round)`);
    expect(md).not.toContain('duet');
  });
});
