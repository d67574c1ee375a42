import { fmtInterval, fmtNumber, fmtPct, fmtSig, MISSING } from '../../common/format.ts';
import { textTable, type Column } from '../../common/table.ts';
import type { ScenarioResult } from '../result/schema.ts';
import { median } from '../stats/compare.ts';
import type { NsInterval } from '../stats/ns-per-op.ts';
import { accounts, type Account } from './account.ts';

const ns = (i: NsInterval | null) => (i ? `${fmtSig(i.mean)} ${fmtInterval(i.low, i.high, fmtSig)}` : MISSING);

/** One sentence: whether the parts explain the whole, and if not, by how much and which way. */
export function accountReading(a: Account): string {
  if (a.reconciles === null) return 'one round: no interval';
  if (a.reconciles) return 'reconciles: the parts explain the whole';
  const r = a.residual!;
  const where = a.workload === 'hot-path' ? 'inside the daemon\'s frame' : 'together in one loop';
  return r.mean > 0
    ? `differs: the calls cost ${fmtSig(r.mean)} ns more ${where} than each alone (shared caches and branch state, inlining in larger code: no single call)`
    : `differs: the calls cost ${fmtSig(-r.mean)} ns less ${where} than each alone (their work overlaps with the rest of the operation)`;
}

/**
 * Per backend and workload (hot-path: per status call; record: per frame), what each metrics
 * call adds (count x ns per call, backend minus none), the sum, the measured whole and the rest.
 */
export function renderAccount(scenarios: readonly ScenarioResult[], seed: number): string {
  const list = accounts(scenarios, seed);
  if (list.length === 0) return '';
  const columns: Column[] = [
    { header: 'workload' }, { header: 'backend' },
    ...list[0].parts.map((p) => ({ header: p.call, align: 'right' as const })),
    { header: 'sum of parts', align: 'right' }, { header: 'measured', align: 'right' }, { header: 'residual', align: 'right' }, { header: 'reading' },
  ];
  const rows = list.map((a) => [
    a.workload, a.backend,
    ...a.parts.map((p) => (p.count === 0 ? '0x' : `${fmtNumber(p.count, 2)}x ${ns(p.perCall)}`)),
    ns(a.sum), ns(a.measured), ns(a.residual), accountReading(a),
  ]);
  const clock = clockLine(scenarios);
  return `account: ns each backend adds per operation (hot-path: per status call; record: per frame), split into its metrics calls; each call timed alone (call-* workloads), backend minus none paired in one process; mean over rounds [95% CI]\n${textTable(columns, rows)}${clock ? `\n${clock}` : ''}`;
}

/** Whose the caller's clock reads are, from the census carried in the hot-path windows. */
export function clockLine(scenarios: readonly ScenarioResult[]): string {
  const hot = scenarios.find((s) => s.name.startsWith('tight/hot-path/'));
  const reads = hot?.rounds.find((r) => r.extra?.clockReadsPerOp !== undefined)?.extra?.clockReadsPerOp;
  if (reads === undefined) return '';
  return `clock reads: the daemon reads the clock ${fmtNumber(reads, 2)} times per status call with any backend (performance.now at arrival and at reply for the reply's latency_ms and status's uptime, Date.now for stream_complete's timestamp): the protocol's, so they are in the baseline (none makes them too), not in any backend's cost; fast itself reads no clock (daemon/metrics/fast.test.ts).`;
}

function sd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = xs.reduce((a, x) => a + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/**
 * Where the hot-path interval's width comes from: the spread of pairs within each worker process
 * (and how well that process's median is known), and the spread of the processes' estimates.
 */
export function spreadLines(scenarios: readonly ScenarioResult[]): string {
  return scenarios.filter((s) => s.name.startsWith('tight/hot-path/')).map((s) => {
    const inst = s.rounds.filter((r) => r.valid && r.variant === 'instrumented' && r.extra?.ratio !== undefined).map((r) => r.extra!);
    const within = median(inst.map((e) => e.withinSdPct).filter((x) => x !== undefined));
    const halfWidth = median(inst.filter((e) => e.withinLowPct !== undefined).map((e) => (e.withinHighPct - e.withinLowPct) / 2));
    const across = sd(inst.map((e) => 100 * Math.log(e.ratio)));
    const copies = median(inst.map((e) => e.copies ?? 1));
    const copySd = median(inst.map((e) => e.copySdPct).filter((x) => x !== undefined));
    const c = s.comparisons[0];
    const width = c?.ciLowPct !== null && c?.ciHighPct !== null && c ? (c.ciHighPct - c.ciLowPct) / 2 : null;
    return `spread ${s.name}: within a process, pairs sd ${fmtNumber(within, 1)}%${copies !== null && copies > 1 ? `, ${fmtNumber(copies, 0)} module copies per side sd ${fmtNumber(copySd, 2)}%` : ''} (each process's estimate to +-${fmtNumber(halfWidth, 2)}%); across ${inst.length} processes sd ${fmtNumber(across, 2)}%; overhead ${c ? fmtPct(c.estimatePct) : MISSING} ${c ? fmtInterval(c.ciLowPct, c.ciHighPct) : ''} (+-${fmtNumber(width, 2)} pp)`;
  }).join('\n');
}
