import { loadResult } from '../report/load-result.ts';
import { writeRun } from '../report/write-run.ts';
import { hasBothVariants, ingestResult, type VariantName } from '../ingest/result.ts';
import { INGEST_TOOLS, readWindows, type IngestTool } from '../ingest/read.ts';
import { loadScenarios } from '../scenario/load.ts';
import { ExitCode, UsageError, verdictExitCode } from '../../common/exit-codes.ts';
import { commandLine, flags, inconclusiveFlag, intFlag, outFlag, parseCommand, seedFlag } from './flags.ts';

const USAGE = `usage: overbench ingest k6|autocannon FILE... --variant baseline|instrumented [--into RESULT.json]
  [--scenario NAME|PATH] [--budget PCT] [--trend NAME] [--rounds N] [--seed N] [--out DIR] [--json] [--inconclusive=pass]
FILE (k6): a JSON summary (--summary-export, or handleSummary's data) = one round each, or
  --out json streams (.gz too) of one test (several: one per runner) = one round per "round" tag
  of overbench's k6 scripts, else --rounds equal slices of time (default 1)
FILE (autocannon): autocannon --json output = one round (no p95 there: latency is kept, not judged)
--into: add these rounds to a result written by an earlier ingest (e.g. the other variant); with
  both variants present, the comparisons and verdicts of a run come out
--scenario: the scenario's name and budgets (else the earlier result's, else --budget, default 5%)
exit: 0 pass (or one variant only so far), 1 budget failed, 2 bad input, 3 inconclusive`;

const INGEST_FLAGS = flags('variant', 'into', 'scenario', 'budget', 'trend', 'rounds', 'seed', 'out', 'json', 'inconclusive');

function variantFlag(v: string | undefined): VariantName {
  if (v === 'baseline' || v === 'instrumented') return v;
  throw new UsageError(v === undefined ? '--variant baseline|instrumented is required' : `--variant "${v}": expected baseline or instrumented`);
}

/**
 * `overbench ingest`: another tool's output (k6, autocannon) as result rounds of one variant,
 * written like a run (reports/<run-id>/ with every report, latest.*, history). Ingest the other
 * variant `--into` that result and the verdicts come out, or `overbench compare` two such results.
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, INGEST_FLAGS, { usage: USAGE, positionals: true });
  if (!parsed) return ExitCode.Pass;
  const { values: f, positionals } = parsed;
  const [tool, ...files] = positionals;
  if (!(INGEST_TOOLS as readonly string[]).includes(tool ?? '')) throw new UsageError(`expected k6 or autocannon first, got ${tool === undefined ? 'nothing' : `"${tool}"`}; ${USAGE.split('\n')[0]}`);
  if (files.length === 0) throw new UsageError(`expected at least one ${tool} FILE`);
  const variant = variantFlag(f.variant);
  const rounds = intFlag('rounds', f.rounds, 1);
  const budgetPct = f.budget === undefined ? undefined : Number(f.budget.replace(/%$/, ''));
  if (budgetPct !== undefined && !(Number.isFinite(budgetPct) && budgetPct >= 0)) throw new UsageError(`--budget must be a percentage >= 0, got "${f.budget}"`);
  if ((f.scenario?.length ?? 0) > 1) throw new UsageError('--scenario: one scenario per ingest');
  const seed = seedFlag(f.seed) ?? 1;
  const inconclusive = inconclusiveFlag(f.inconclusive);
  if (tool === 'autocannon' && (f.trend !== undefined || rounds !== undefined)) throw new UsageError('--trend and --rounds are for k6 files');

  const scenario = f.scenario ? (await loadScenarios(f.scenario))[0].scenario : undefined;
  const into = f.into ? await loadResult(f.into) : undefined;
  const windows = await readWindows(tool as IngestTool, files, { trend: f.trend, rounds });
  const result = ingestResult({
    tool: tool as IngestTool,
    variant,
    files,
    windows,
    into,
    scenario: scenario && { name: scenario.name, description: scenario.description, budgets: { ...scenario.budgets } },
    budgetPct,
    seed,
    command: commandLine('ingest', argv),
    startedAt: new Date(),
  });
  const { files: written, result: out } = await writeRun(result, { outDir: outFlag(f.out), inconclusive });
  // ingestResult puts the scenario it added to last.
  const judged = hasBothVariants(out.scenarios[out.scenarios.length - 1]);
  if (f.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    const added = windows.length;
    process.stdout.write(`ingested ${added} ${variant} round${added === 1 ? '' : 's'} from ${files.length} ${tool} file${files.length === 1 ? '' : 's'}\n`);
    process.stdout.write(judged ? `verdict: ${out.verdict.toUpperCase()} over ${out.comparisonsMade ?? 0} comparisons\n` : `no verdict yet: ingest the other variant with --into ${written[0]}\n`);
    process.stdout.write(`result: ${written[0]}\n`);
  }
  return judged ? verdictExitCode(out.verdict, inconclusive === 'pass') : ExitCode.Pass;
}
