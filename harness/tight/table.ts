import type { ScenarioResult } from '../result/schema.ts';
import { median } from '../stats/compare.ts';
import { nsInterval, nsPerOpValues } from '../stats/ns-per-op.ts';
import type { RealisticCpu } from './realistic-cpu.ts';
import { fmtBudget, fmtChange, fmtInterval, fmtNumber, fmtScaled, fmtShare, fmtSig, fmtSigned, LIVE_PCT_DIGITS, MISSING } from '../../common/format.ts';
import { textTable, type Column } from '../../common/table.ts';

/**
 * The seed's table redone, one block per workload: backend, ops/s, ns/op [95% CI], overhead vs
 * none [95% CI], bytes/op, bytes/client, budget, verdict. Reads only the finished scenarios.
 */
interface Row {
  backend: string;
  ns: number[];
  overhead: string;
  bytesPerOp: number | null;
  bytesPerClient: number | null;
  budget: string;
  verdict: string;
}

const opsPerSec = (ns: number | null) => (ns !== null && ns > 0 ? fmtScaled(1e9 / ns) : MISSING);

function nsWithCi(xs: number[], seed: number): string {
  const ci = nsInterval(xs, seed);
  return ci ? `${fmtSig(ci.mean)} ${fmtInterval(ci.low, ci.high, fmtSig)}` : MISSING;
}

function extraMedian(s: ScenarioResult, variant: 'baseline' | 'instrumented', key: string): number | null {
  return median(s.rounds.filter((r) => r.variant === variant && r.extra?.[key] !== undefined).map((r) => r.extra![key]));
}

export function renderTight(scenarios: readonly ScenarioResult[], seed: number): string {
  const byWorkload = new Map<string, ScenarioResult[]>();
  for (const s of scenarios) {
    const workload = s.name.split('/')[1];
    byWorkload.set(workload, [...(byWorkload.get(workload) ?? []), s]);
  }
  const perClient = new Map<string, number | null>();
  for (const s of byWorkload.get('clients-10000') ?? []) {
    perClient.set(s.variants.instrumented.backend ?? '', extraMedian(s, 'instrumented', 'bytesPerClient'));
    perClient.set('none', extraMedian(s, 'baseline', 'bytesPerClient'));
  }
  const blocks: string[] = [];
  for (const [workload, list] of byWorkload) {
    const first = list[0];
    const rows: Row[] = [{
      backend: 'none', ns: nsPerOpValues(first, 'baseline'), overhead: '(baseline)',
      bytesPerOp: extraMedian(first, 'baseline', 'bytesPerOp'), bytesPerClient: perClient.get('none') ?? null, budget: '', verdict: '',
    }];
    for (const s of list) {
      const c = s.comparisons[0];
      rows.push({
        backend: s.variants.instrumented.backend ?? s.name,
        ns: nsPerOpValues(s, 'instrumented'),
        overhead: c ? fmtChange(c.estimatePct, c.ciLowPct, c.ciHighPct, LIVE_PCT_DIGITS) : MISSING,
        bytesPerOp: extraMedian(s, 'instrumented', 'bytesPerOp'),
        bytesPerClient: perClient.get(s.variants.instrumented.backend ?? '') ?? null,
        budget: c ? fmtBudget(c.budgetPct) : MISSING,
        verdict: s.verdict + (s.exactness && !s.exactness.ok ? ' (miscounts)' : ''),
      });
    }
    const lines = rows.map((r, i) => [
      r.backend, opsPerSec(median(r.ns)), nsWithCi(r.ns, seed + i), r.overhead,
      fmtNumber(r.bytesPerOp, 0), fmtNumber(r.bytesPerClient, 0), r.budget, r.verdict,
    ]);
    blocks.push(`${first.name.replace(/\/[^/]+$/, '')}: ${first.description ?? ''}\n${textTable(columns(workload), lines)}`);
  }
  return blocks.join('\n\n');
}

function columns(workload: string): Column[] {
  const overhead = workload === 'hot-path' ? 'overhead vs none [95% CI]' : 'share of a frame [95% CI]';
  return [
    { header: 'backend' },
    ...['ops/s', 'ns/op [95% CI]', overhead, 'bytes/op', 'bytes/client', 'budget'].map((header) => ({ header, align: 'right' as const })),
    { header: 'verdict' },
  ];
}

/**
 * One line of context: what the metrics add to one request, next to what a realistic request
 * costs in CPU (from the latest realistic result), or to the hot path alone when there is none.
 */
export function contextLine(scenarios: readonly ScenarioResult[], realistic: RealisticCpu | null): string {
  const hot = scenarios.filter((s) => s.name.startsWith('tight/hot-path/'));
  if (hot.length === 0) return 'context: no hot-path workload in this run';
  const noneNs = median(nsPerOpValues(hot[0], 'baseline'));
  const added = hot.map((s) => {
    // the paired difference of each process (backend minus none, alternating in one process),
    // where it was measured so; else the difference of the two sides' medians
    const paired = s.rounds.filter((r) => r.valid && r.variant === 'instrumented' && r.extra?.deltaNs !== undefined).map((r) => r.extra!.deltaNs);
    const delta = paired.length > 0 ? median(paired)! : (median(nsPerOpValues(s, 'instrumented')) ?? NaN) - (noneNs ?? NaN);
    const share = realistic ? (delta / (realistic.cpuPerRequestUs * 1000)) * 100 : (delta / (noneNs ?? NaN)) * 100;
    return `${s.variants.instrumented.backend} ${fmtSigned(delta)} ns (${fmtShare(share, realistic ? 3 : 1)})`;
  });
  if (!realistic) {
    return `context: no realistic result under reports yet; per status call (1 frame in, its replies out; ${fmtNumber(noneNs, 0)} ns in process without metrics) the backends add: ${added.join(', ')}`;
  }
  return `context: a realistic request costs the daemon ${fmtNumber(realistic.cpuPerRequestUs, 0)} us of CPU (median baseline round of ${realistic.scenarios.join(', ')} in ${realistic.file}); per status call (1 frame in, its replies out) the backends add: ${added.join(', ')} of that`;
}
