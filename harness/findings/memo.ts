import { fmtBytes, fmtNumber, fmtPct, fmtShare } from '../../common/format.ts';
import { tooNarrow, type ScenarioCalibration } from '../result/calibration.ts';
import type { Comparison, MetricName, Verdict } from '../result/schema.ts';
import { METRICS } from '../result/metrics.ts';
import { Facts, type Num } from './facts.ts';
import { instrumentedLabel, type Findings, type ScenarioSource } from './sources.ts';

/** The memo as blocks, rendered to Markdown and HTML alike (render.ts). Text is plain; numbers are Facts. */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; headers: string[]; rows: string[][] }
  | { kind: 'code'; lines: string[] };

/** What each built-in scenario stands for in the seed's questions; a user's own scenario is itself. */
const SCENARIO_CLASS: Record<string, string> = {
  'hot-path-open': 'CPU-only path',
  'chat-realistic': 'chat pipeline',
  'provider-slow': 'provider-bound',
  'many-idle': 'many idle connections',
  'reconnect-churn': 'connection churn',
  cluster: 'several instances',
};

/** The metrics architecture each reference backend is (daemon/metrics/*.ts headers say how). */
const ARCHITECTURE: Record<string, string> = {
  none: 'no metrics: the baseline',
  fast: 'in-process aggregation in preallocated slots, flushed in batches to Redis and Supabase',
  prom: 'prom-client registry (labels looked up per call)',
  otel: 'OpenTelemetry SDK instruments',
  legacy: "the seed's WebSocketMetrics: a record per client in a Map, a wall-clock read per event",
  sampled: "the seed's ProductionMetrics: a fixed share of events sampled into a ring buffer, counts scaled up (estimates)",
};

const OVERHEAD_METRICS = ['cpuPerRequest', 'p99', 'throughput', 'errorRate'] as const satisfies readonly MetricName[];

const pct = (x: number) => fmtPct(x, 1);
/** Small shares keep two significant digits (0.0063%), larger ones one decimal. */
const share = (x: number) => fmtShare(x, Math.abs(x) >= 1 || x === 0 ? 1 : Math.min(12, 1 - Math.floor(Math.log10(Math.abs(x)))));
const ns = (x: number) => `${fmtNumber(x, 1)} ns`;
const us = (x: number) => `${fmtNumber(x, 1)} us`;
const pp = (x: number) => `${fmtNumber(x, 2)} pp`;

const classOf = (name: string) => SCENARIO_CLASS[name] ?? 'own scenario';

function cite(src: ScenarioSource, path: string): string {
  return `${src.file}#scenarios[${src.index}].${path}`;
}

function comparisonAt(src: ScenarioSource, metric: MetricName): { c: Comparison; at: string } | null {
  const i = src.scenario.comparisons.findIndex((c) => c.metric === metric);
  return i < 0 ? null : { c: src.scenario.comparisons[i], at: `comparisons[${i}]` };
}

/** "+1.2% [-0.4%, +2.9%] pass (budget +5%)", every number a fact. */
function overheadCell(f: Facts, src: ScenarioSource, metric: MetricName): string {
  const found = comparisonAt(src, metric);
  if (!found || found.c.estimatePct == null || found.c.ciLowPct == null || found.c.ciHighPct == null) return 'not measured';
  const { c, at } = found;
  const fmt = METRICS[metric].change === 'pp' ? pp : pct;
  const read = (k: 'estimatePct' | 'ciLowPct' | 'ciHighPct' | 'budgetPct') => f.read(c[k]!, cite(src, `${at}.${k}`), fmt);
  return `${read('estimatePct')} [${read('ciLowPct')}, ${read('ciHighPct')}] ${c.verdict} (budget ${read('budgetPct')})`;
}

function calibrationFor(findings: Findings, name: string): { s: ScenarioCalibration; at: string } | null {
  const c = findings.calibrations.find(({ source, index }) => source.data.scenarios[index].name === name);
  return c ? { s: c.source.data.scenarios[c.index], at: `${c.source.file}#scenarios[${c.index}]` } : null;
}

function goNoGo(findings: Findings): Block[] {
  const byBackend = new Map<string, ScenarioSource[]>();
  for (const src of findings.realistic) byBackend.set(instrumentedLabel(src.scenario), [...(byBackend.get(instrumentedLabel(src.scenario)) ?? []), src]);
  const items = [...byBackend].map(([backend, list]) => {
    const with_ = (v: Verdict) =>
      list.flatMap((src) => {
        const metrics = src.scenario.comparisons.filter((c) => c.verdict === v).map((c) => c.metric);
        return metrics.length > 0 ? [`${src.scenario.name} (${metrics.join(', ')})`] : [];
      });
    const scenarios = list.map((s) => s.scenario.name).join(', ');
    const exactnessFailed = list.filter((s) => s.scenario.exactness?.ok === false).map((s) => s.scenario.name);
    if (with_('fail').length > 0 || exactnessFailed.length > 0) {
      const why = [...with_('fail').map((x) => `over budget in ${x}`), ...exactnessFailed.map((x) => `${x} miscounted`)];
      return `**${backend}: no-go.** ${why.join('; ')}.`;
    }
    if (with_('inconclusive').length > 0) return `**${backend}: not decided.** Undecided: ${with_('inconclusive').join('; ')} (measured in ${scenarios}).`;
    return `**${backend}: go.** Every budget met in ${scenarios}.`;
  });
  return [
    { kind: 'heading', level: 2, text: 'Go / no-go per backend, against the scenarios\' budgets' },
    items.length > 0 ? { kind: 'list', items } : { kind: 'paragraph', text: 'No realistic result: run `overbench gate` or `overbench realistic` first.' },
  ];
}

function overheadTable(f: Facts, findings: Findings): Block[] {
  if (findings.realistic.length === 0) return [];
  const rows = findings.realistic.map((src) => {
    const cal = calibrationFor(findings, src.scenario.name);
    const mde = cal?.s.mdePct.cpuPerRequest;
    return [
      src.scenario.name,
      classOf(src.scenario.name),
      instrumentedLabel(src.scenario),
      ...OVERHEAD_METRICS.map((m) => overheadCell(f, src, m)),
      mde == null ? 'not calibrated' : `${f.read(mde, `${cal!.at}.mdePct.cpuPerRequest`, share)}`,
    ];
  });
  return [
    { kind: 'heading', level: 2, text: 'Overhead per backend and scenario class' },
    { kind: 'paragraph', text: 'Instrumented against the baseline (no metrics), paired by round: the estimate, its confidence interval, the verdict against the budget. Positive is worse (for throughput, a drop). The last column is the smallest CPU overhead the calibrated design reliably detects (its power is in the next section): a pass means "no overhead larger than the budget", and means little where the MDE exceeds it.' },
    { kind: 'table', headers: ['scenario', 'class', 'backend', 'CPU per request', 'p99', 'throughput', 'error rate', 'CPU MDE'], rows },
  ];
}

function power(f: Facts, findings: Findings): Block[] {
  if (findings.calibrations.length === 0) return [{ kind: 'heading', level: 2, text: "The instrument's power" }, { kind: 'paragraph', text: 'No calibration found: run `overbench calibrate` so that "no regression found" can be read as "none larger than X%".' }];
  const metrics = ['cpuPerRequest', 'p99', 'throughput'] as const;
  const rows = findings.calibrations.map(({ source, index }) => {
    const s = source.data.scenarios[index];
    const at = `${source.file}#scenarios[${index}]`;
    const rate = s.aa.falseFailRate;
    return [
      s.name,
      `${s.profile}, ${f.read(s.rounds, `${at}.rounds`, (x) => fmtNumber(x, 0))} rounds${s.processes ? ` in ${f.read(s.processes, `${at}.processes`, (x) => fmtNumber(x, 0))} pairs of processes` : ''}${s.design ? `, ${s.design}` : ''}`,
      ...metrics.map((m) => (s.mdePct[m] == null ? 'n/a' : `${f.read(s.mdePct[m]!, `${at}.mdePct.${m}`, share)}`)),
      rate == null ? 'n/a' : `${f.read(rate, `${at}.aa.falseFailRate`, (x) => fmtShare(x, 0), 100)} of ${f.read(s.aa.repeats, `${at}.aa.repeats`, (x) => fmtNumber(x, 0))}`,
      s.intervalHonesty == null
        ? 'n/a'
        : `${f.read(s.intervalHonesty.scale, `${at}.intervalHonesty.scale`, (x) => `${x.toFixed(1)}x`)}, ${tooNarrow(s.intervalHonesty) ? 'too narrow' : 'honest'}`,
      s.pairLuck?.cpuPerRequest?.mdePct == null
        ? 'n/a'
        : `${f.read(s.pairLuck.cpuPerRequest.mdePct, `${at}.pairLuck.cpuPerRequest.mdePct`, share)} (sd ${f.read(s.pairLuck.cpuPerRequest.sdPct, `${at}.pairLuck.cpuPerRequest.sdPct`, share)})`,
    ];
  });
  const first = findings.calibrations[0].source;
  const m = first.data.method;
  const levels = m ? ` (an error rate of ${f.read(m.alpha, `${first.file}#method.alpha`, (x) => fmtShare(x, 0), 100)} and a power of ${f.read(m.power, `${first.file}#method.power`, (x) => fmtShare(x, 0), 100)})` : '';
  return [
    { kind: 'heading', level: 2, text: "The instrument's power (calibration)" },
    { kind: 'paragraph', text: `Minimum detectable effect per scenario and metric${levels} at the calibrated rounds, how often two identical builds were called different (A/A false fails), and how far the CPU intervals missed a known truth, in standard errors (near one when they are honest; "too narrow" when no honest interval would miss that far but rarely: then a verdict near a budget rests on luck the rounds did not see, and the remedy is more pairs of processes). The CPU MDE counts the luck each pair of processes carries, as the gate does (a scenario's \`pairLuck\`, or \`--calibration\`); the last column is that MDE as the luck measured in all of the calibration's runs gives it (its sd in brackets), the MDE column's from each run widened by the others' luck.` },
    { kind: 'table', headers: ['scenario', 'design', 'MDE CPU per request', 'MDE p99', 'MDE throughput', 'A/A false fails', 'CPU intervals vs truth', 'CPU MDE with pair luck'], rows },
  ];
}

/** The tight scenario of a workload and backend (`tight/<workload>/<backend>`). */
function tightOf(findings: Findings, workload: string, backend: string): ScenarioSource | undefined {
  return findings.tight.find((s) => s.scenario.name === `tight/${workload}/${backend}`);
}

function tightBackends(findings: Findings): string[] {
  return [...new Set(findings.tight.map((s) => s.scenario.name.split('/')[2]).filter(Boolean))];
}

function targets(f: Facts, findings: Findings): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Realistic targets, derived' }];
  const lines: string[] = [];
  for (const backend of tightBackends(findings)) {
    const hot = tightOf(findings, 'hot-path', backend);
    const cmp = hot && comparisonAt(hot, 'nsPerOp');
    if (!hot || !cmp || cmp.c.baselineMedian == null || cmp.c.estimatePct == null) continue;
    // The paired estimate (batches alternating in one process), not the difference of two medians
    // taken across processes, which moves with each process's JIT luck.
    const base = f.read(cmp.c.baselineMedian, cite(hot, `${cmp.at}.baselineMedian`), ns);
    const pctAdded = f.read(cmp.c.estimatePct, cite(hot, `${cmp.at}.estimatePct`), pct);
    const added = f.derived([base, pctAdded], ([b, p]) => (b * p) / 100, 'baseline ns x overhead / 100', ns);
    const parts: string[] = [];
    // The baseline side of each scenario is the request without metrics: one per scenario, this
    // backend's own run first.
    const own = (s: ScenarioSource) => (instrumentedLabel(s.scenario) === backend ? 0 : 1);
    const done = new Set<string>();
    // Only scenarios whose baseline runs without metrics say what a request costs without them.
    const withoutMetrics = findings.realistic.filter((s) => s.scenario.variants.baseline.backend === 'none');
    for (const src of withoutMetrics.sort((a, b) => own(a) - own(b))) {
      const cpu = comparisonAt(src, 'cpuPerRequest');
      const p50 = comparisonAt(src, 'p50');
      if (!cpu || cpu.c.baselineMedian == null || done.has(src.scenario.name)) continue;
      done.add(src.scenario.name);
      const cpuUs = f.read(cpu.c.baselineMedian, cite(src, `${cpu.at}.baselineMedian`), us);
      const ofCpu = f.derived([added, cpuUs], ([a, c]) => (100 * a) / (1000 * c), 'added ns / (1000 x CPU us) x 100', share);
      let wall = '';
      if (p50 && p50.c.baselineMedian != null) {
        const p50Us = f.read(p50.c.baselineMedian, cite(src, `${p50.at}.baselineMedian`), us);
        wall = `, and ${f.derived([added, p50Us], ([a, w]) => (100 * a) / (1000 * w), 'added ns / (1000 x p50 us) x 100', share)} of its p50 of ${p50Us}`;
      }
      parts.push(`${src.scenario.name}: ${ofCpu} of its ${cpuUs} of CPU per request${wall}`);
    }
    lines.push(`**${backend}** adds ${added} per status call on the hot path (${pctAdded} of ${base}). Set against each scenario: ${parts.length > 0 ? parts.join('; ') : 'no realistic scenario measured CPU per request'}.`);
  }
  if (lines.length === 0) return [...blocks, { kind: 'paragraph', text: 'No tight hot-path result: run `overbench tight`.' }];
  return [
    ...blocks,
    { kind: 'paragraph', text: "A metrics layer's cost is nanoseconds per call; a request's cost is microseconds of CPU and of wall time. The share below is the target a backend can meet in each class: a CPU budget under it cannot be met, one well above it leaves room. An I/O-bound request (provider-bound, chat) dilutes the same nanoseconds far more than the CPU-only path." },
    { kind: 'list', items: lines },
  ];
}

function architecture(f: Facts, findings: Findings): Block[] {
  const backends = tightBackends(findings);
  if (backends.length === 0) return [];
  const rows = backends.map((backend) => {
    const rec = tightOf(findings, 'record', backend);
    const hot = tightOf(findings, 'hot-path', backend);
    const many = tightOf(findings, 'clients-10000', backend);
    const recCmp = rec && comparisonAt(rec, 'nsPerOp');
    const hotCell = hot ? overheadCell(f, hot, 'nsPerOp') : 'not measured';
    const recCell = rec && recCmp?.c.instrumentedMedian != null ? `${f.read(recCmp.c.instrumentedMedian, cite(rec, `${recCmp.at}.instrumentedMedian`), ns)}` : 'not measured';
    let bytes = 'not measured';
    if (many) {
      const i = many.scenario.rounds.findIndex((r) => r.variant === 'instrumented' && typeof r.extra?.bytesPerClient === 'number');
      if (i >= 0) bytes = `${f.read(many.scenario.rounds[i].extra!.bytesPerClient as number, cite(many, `rounds[${i}].extra.bytesPerClient`), (x) => fmtBytes(x))}`;
    }
    const checks = [rec, hot, many].map((s) => s?.scenario.exactness?.ok);
    const exact = checks.includes(false) ? 'miscounted' : checks.includes(true) ? 'exact' : 'not checked';
    return [backend, ARCHITECTURE[backend] ?? 'user backend', recCell, hotCell, bytes, exact];
  });
  const cluster = findings.realistic.filter((s) => s.scenario.name === 'cluster');
  const clusterItems = cluster.map((src) => {
    const e = src.scenario.exactness;
    const counted = e ? `counted ${f.read(e.recorded, cite(src, 'exactness.recorded'), (x) => fmtNumber(x, 0))} of ${f.read(e.expected, cite(src, 'exactness.expected'), (x) => fmtNumber(x, 0))} frames cluster-wide` : 'no cluster-wide count';
    return `${instrumentedLabel(src.scenario)} across instances: ${counted}; CPU per request ${overheadCell(f, src, 'cpuPerRequest')}.`;
  });
  return [
    { kind: 'heading', level: 2, text: 'Architecture: cost and exactness' },
    { kind: 'paragraph', text: 'Per backend, from `tight`: nanoseconds per frame recorded (the `record` workload), the overhead on the whole status hot path, memory per client in the `clients-10000` workload, and whether its counts are exact.' },
    { kind: 'table', headers: ['backend', 'design', 'record, per frame', 'hot-path overhead', 'per client', 'counts'], rows },
    ...(clusterItems.length > 0
      ? [{ kind: 'paragraph', text: 'Several instances behind one Redis and Supabase (the `cluster` scenario):' } as Block, { kind: 'list', items: clusterItems } as Block]
      : [{ kind: 'paragraph', text: 'No `cluster` result: aggregation across instances is not measured in these results.' } as Block]),
  ];
}

function reproduce(findings: Findings): Block[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  const add = (file: string, command: string | undefined) => {
    if (!command || seen.has(command)) return;
    seen.add(command);
    lines.push(`${command}    # ${file}`);
  };
  for (const s of [...findings.tight, ...findings.realistic]) add(s.file, s.result.command);
  for (const c of findings.calibrations) add(c.source.file, c.source.data.command);
  return [{ kind: 'heading', level: 2, text: 'Reproduce every figure' }, { kind: 'code', lines }];
}

function header(f: Facts, findings: Findings): Block[] {
  const newest = [...findings.tight, ...findings.realistic].sort((a, b) => b.result.finishedAt.localeCompare(a.result.finishedAt))[0];
  const env = newest.result.env;
  const cpus = f.read(env.cpus, `${newest.file}#env.cpus`, (x) => fmtNumber(x, 0));
  return [
    { kind: 'heading', level: 1, text: 'overbench findings: what metrics cost this daemon' },
    { kind: 'paragraph', text: `Measured on ${env.cpuModel} (${cpus} CPUs), ${env.os}, Node ${env.node}; commit ${env.gitSha ?? 'unknown'}; newest result ${newest.result.finishedAt}. Every number below is read from the result files listed at the end, or derived from them with its formula shown; \`overbench findings\` wrote this memo.` },
  ];
}

/** The decision memo, from the newest results in a folder. */
export function buildMemo(findings: Findings, facts: Facts = new Facts()): { blocks: Block[]; facts: Facts } {
  const blocks: Block[] = [
    ...header(facts, findings),
    ...goNoGo(findings),
    ...overheadTable(facts, findings),
    ...power(facts, findings),
    ...targets(facts, findings),
    ...architecture(facts, findings),
    ...reproduce(findings),
  ];
  return { blocks, facts };
}
