import type { Comparison, Verdict } from '../../result/schema.ts';
import { escapeXml as x } from '../escape.ts';
import { fmtPct } from '../../../common/format.ts';
import { changeUnit, fmtChangeOf, fmtComparisonBudget, fmtIntervalOf, metricLabel } from '../metric.ts';

const VERDICT_COLOR: Record<Verdict, string> = { pass: '#1a7f37', fail: '#cf222e', inconclusive: '#9a6700' };

const W = 900;
const ROW = 30;
const TOP = 26;
const LEFT = 150;
const RIGHT = 560;
/** Where the numbers column starts: clear of the last tick's label. */
const TEXT_X = RIGHT + 40;

/**
 * The overhead chart, drawn as static SVG on the server (prints crisply, needs no script): one row
 * per metric, the estimate as a dot, the 95% interval as whiskers, the metric's budget as a dashed
 * red line (a floor's threshold when the floor set it), zero as a grey line. Positive is worse for
 * every metric. The error rate's row is in percentage points on the same axis (its label says so).
 */
export function overheadSvg(comparisons: readonly Comparison[]): string {
  if (comparisons.length === 0) return '';
  const values = comparisons.flatMap((c) => [c.ciLowPct, c.ciHighPct, c.estimatePct, c.budgetPct]).filter((v): v is number => v != null && Number.isFinite(v));
  let lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  const pad = (hi - lo || 1) * 0.08;
  lo -= pad;
  hi += pad;
  const ticks = niceTicks(lo, hi, 5);
  lo = Math.min(lo, ticks[0]);
  hi = Math.max(hi, ticks[ticks.length - 1]);
  const px = (v: number) => LEFT + ((v - lo) / (hi - lo)) * (RIGHT - LEFT);
  const height = TOP + comparisons.length * ROW + 8;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" role="img" aria-label="overhead per metric with 95% intervals and budgets" font-family="system-ui, sans-serif" font-size="12">`,
  ];
  for (const t of ticks) {
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${TOP - 6}" y2="${height - 8}" stroke="${t === 0 ? '#8c959f' : '#eaeef2'}" stroke-width="${t === 0 ? 1.2 : 1}"/>`);
    const anchor = px(t) > RIGHT - 15 ? 'end' : px(t) < LEFT + 15 ? 'start' : 'middle';
    parts.push(`<text x="${px(t)}" y="${TOP - 10}" text-anchor="${anchor}" fill="#59636e">${x(fmtPct(t, Math.abs(hi - lo) < 5 ? 1 : 0))}</text>`);
  }
  parts.push(`<text x="${TEXT_X}" y="${TOP - 10}" fill="#59636e">overhead [95% CI] / budget</text>`);
  comparisons.forEach((c, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const color = VERDICT_COLOR[c.verdict];
    parts.push(`<text x="${LEFT - 10}" y="${y + 4}" text-anchor="end" fill="#1f2328">${x(metricLabel(c.metric))}${changeUnit(c.metric) === 'pp' ? ' (pp)' : ''}</text>`);
    const b = px(c.budgetPct);
    parts.push(`<line x1="${b}" x2="${b}" y1="${y - ROW / 2 + 3}" y2="${y + ROW / 2 - 3}" stroke="#cf222e" stroke-width="2" stroke-dasharray="4 3"><title>budget ${x(fmtComparisonBudget(c))}</title></line>`);
    if (c.estimatePct == null || c.ciLowPct == null || c.ciHighPct == null) {
      const why = c.estimatePct == null ? 'not measured' : 'too few rounds for an interval';
      parts.push(`<text x="${LEFT + 6}" y="${y + 4}" fill="#59636e">${why}</text>`);
    } else {
      const [l, h, e] = [px(c.ciLowPct), px(c.ciHighPct), px(c.estimatePct)];
      parts.push(`<line x1="${l}" x2="${h}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"/>`);
      parts.push(`<line x1="${l}" x2="${l}" y1="${y - 6}" y2="${y + 6}" stroke="${color}" stroke-width="2"/>`);
      parts.push(`<line x1="${h}" x2="${h}" y1="${y - 6}" y2="${y + 6}" stroke="${color}" stroke-width="2"/>`);
      parts.push(`<circle cx="${e}" cy="${y}" r="4.5" fill="${color}"><title>${x(`${metricLabel(c.metric)}: ${fmtChangeOf(c.metric, c.estimatePct)} ${fmtIntervalOf(c.metric, c.ciLowPct, c.ciHighPct)}`)}</title></circle>`);
    }
    const label = `${fmtChangeOf(c.metric, c.estimatePct)} ${fmtIntervalOf(c.metric, c.ciLowPct, c.ciHighPct)} / ${fmtComparisonBudget(c)}`;
    parts.push(`<text x="${TEXT_X}" y="${y + 4}" fill="${color}">${x(label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Round tick values (1, 2, 5 x 10^k steps) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target: number): number[] {
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step / 2 && ticks.length < 50; t += step) ticks.push(Number(t.toFixed(10)));
  return ticks;
}
