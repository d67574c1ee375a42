import { MetricName } from '../result/schema.ts';
import { compareResults } from '../report/compare-results.ts';
import { compareTable } from '../report/compare-table.ts';
import { loadResult } from '../report/load-result.ts';
import { defaultContext } from '../report/reporter.ts';
import { writeReport } from '../report/write-outputs.ts';
import { ExitCode, UsageError, verdictExitCode } from '../../common/exit-codes.ts';
import { commandLine, inconclusiveFlag, flags, parseCommand, seedFlag } from './flags.ts';

const USAGE =
  'usage: overbench compare OLD.json NEW.json [--metric p50|p95|p99|throughput|cpuPerRequest|nsPerOp]... [--budget PCT] [--html FILE] [--junit FILE] [--md FILE] [--seed N] [--inconclusive=pass|fail]';

/**
 * `overbench compare`: is NEW's instrumented variant slower than OLD's? Console table always;
 * HTML/JUnit/Markdown on request, rendered by the ordinary reporters with OLD/NEW labels.
 * Exit code as every command's (README, "Commands"): 0 pass, 1 a budget failed, 2 bad input, 3 inconclusive.
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, flags('metric', 'budget', 'html', 'junit', 'md', 'seed', 'inconclusive'), { usage: USAGE, positionals: true });
  if (!parsed) return ExitCode.Pass;
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw new UsageError(`expected OLD.json and NEW.json, got ${positionals.length} file(s); ${USAGE}`);
  const metrics = values.metric?.map((m) => {
    const ok = MetricName.safeParse(m);
    if (!ok.success) throw new UsageError(`--metric "${m}" is not a metric (expected one of ${MetricName.options.join(', ')})`);
    return ok.data;
  });
  const budgetPct = values.budget === undefined ? undefined : Number(values.budget.replace(/%$/, ''));
  if (budgetPct !== undefined && !(Number.isFinite(budgetPct) && budgetPct >= 0)) throw new UsageError(`--budget must be a percentage >= 0, got "${values.budget}"`);
  const seed = seedFlag(values.seed);
  const inconclusive = inconclusiveFlag(values.inconclusive);

  const [oldFile, newFile] = positionals;
  const [oldR, newR] = [await loadResult(oldFile), await loadResult(newFile)];
  const command = commandLine('compare', argv);
  const outcome = compareResults(oldR, newR, { metrics, budgetPct, seed, command });
  process.stdout.write(compareTable(outcome));

  const ctx = defaultContext({ inconclusive, labels: { baseline: 'OLD', instrumented: 'NEW' }, title: `NEW ${newR.runId} vs OLD ${oldR.runId}` });
  const outputs = [['html', values.html], ['junit', values.junit], ['markdown', values.md]] as const;
  for (const [name, file] of outputs) {
    if (file) process.stdout.write(`wrote ${await writeReport(name, outcome.result, ctx, file)}\n`);
  }
  return verdictExitCode(outcome.result.verdict, inconclusive === 'pass');
}
