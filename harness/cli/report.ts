import path from 'node:path';
import { loadResult } from '../report/load-result.ts';
import { defaultContext } from '../report/reporter.ts';
import { ReportersMap, type ReporterName } from '../report/reporters/index.ts';
import { historyFileFor, historyFor, writeReport } from '../report/write-outputs.ts';
import { ExitCode, UsageError, verdictExitCode } from '../../common/exit-codes.ts';
import { inconclusiveFlag, flags, parseCommand } from './flags.ts';

const USAGE = 'usage: overbench report <result.json> [--html FILE] [--junit FILE] [--md FILE|-] [--history FILE] [--inconclusive=pass|fail]';

/**
 * `overbench report`: re-renders any result file. With no output named, writes report.html,
 * junit.xml and summary.md beside it. The exit code is the result's verdict (as the gate's would
 * be), so CI can gate on a stored file.
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, flags('html', 'junit', 'md', 'history', 'inconclusive'), { usage: USAGE, positionals: true });
  if (!parsed) return ExitCode.Pass;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`expected one result file, got ${positionals.length}; ${USAGE}`);
  const inconclusive = inconclusiveFlag(values.inconclusive);

  const file = positionals[0];
  const result = await loadResult(file);
  const historyFile = values.history ?? historyFileFor(file);
  const ctx = defaultContext({ inconclusive, history: await historyFor(historyFile) });

  const dir = path.dirname(file);
  const wanted: [ReporterName, string | undefined][] = [['html', values.html], ['junit', values.junit], ['markdown', values.md]];
  const outputs = wanted.every(([, f]) => f === undefined)
    ? wanted.map(([name]) => [name, path.join(dir, ReportersMap[name].defaultFile)] as const)
    : wanted.filter((w): w is [ReporterName, string] => w[1] !== undefined);

  const written: string[] = [];
  for (const [name, target] of outputs) {
    if (target === '-') process.stdout.write(ReportersMap[name].render(result, ctx));
    else written.push(await writeReport(name, result, ctx, target));
  }
  if (written.length) {
    // With `--md -` stdout is the Markdown; keep it clean and say what was written on stderr.
    const out = outputs.some(([, t]) => t === '-') ? process.stderr : process.stdout;
    out.write(`${result.verdict.toUpperCase()} (${result.runId}): wrote ${written.join(', ')}\n`);
  }
  return verdictExitCode(result.verdict, inconclusive === 'pass');
}
