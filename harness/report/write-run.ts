import { appendFile, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Result } from '../result/schema.ts';
import { appendHistory, readHistory } from './history.ts';
import { defaultContext, type InconclusivePolicy } from './reporter.ts';
import { ReportersMap, type ReporterName } from './reporters/index.ts';
import { writeReport } from './write-outputs.ts';

export interface WriteRunOptions {
  /** Folder that holds one sub-folder per run, latest.json, latest.html and history.jsonl (default reports/). */
  outDir: string;
  /** How JUnit shows inconclusive comparisons (the gate's --inconclusive). */
  inconclusive?: InconclusivePolicy;
  /** Skip the history line (tests, or a re-run that should not count). */
  noHistory?: boolean;
  /**
   * File to append the Markdown summary to; default $GITHUB_STEP_SUMMARY, so a run inside GitHub
   * Actions shows its table on the job page. null: never.
   */
  stepSummary?: string | null;
}

export const HISTORY_FILE = 'history.jsonl';

/**
 * Everything a run leaves behind: `<outDir>/<runId>/result.json` (validated first: a renderer
 * must never see a file the schema would reject), `<outDir>/latest.json`, then report.html,
 * junit.xml and summary.md rendered from that result beside it, `<outDir>/latest.html`, and one
 * line appended to `<outDir>/history.jsonl`. The HTML's trend includes this run.
 */
export async function writeRun(result: Result, opts: WriteRunOptions): Promise<{ dir: string; files: string[] }> {
  const checked = Result.parse(result);
  const dir = path.join(opts.outDir, checked.runId);
  await mkdir(dir, { recursive: true });
  const resultFile = path.join(dir, 'result.json');
  await writeFile(resultFile, JSON.stringify(checked, null, 2) + '\n');
  const latest = path.join(opts.outDir, 'latest.json');
  await copyFile(resultFile, latest);
  const files = [resultFile, latest];

  const historyFile = path.join(opts.outDir, HISTORY_FILE);
  const ctx = defaultContext({ inconclusive: opts.inconclusive ?? 'fail', history: (await readHistory(historyFile)).entries });
  for (const name of Object.keys(ReportersMap) as ReporterName[]) {
    files.push(await writeReport(name, checked, ctx, path.join(dir, ReportersMap[name].defaultFile)));
  }
  const latestHtml = path.join(opts.outDir, 'latest.html');
  await copyFile(path.join(dir, ReportersMap.html.defaultFile), latestHtml);
  files.push(latestHtml);
  const stepSummary = opts.stepSummary === undefined ? process.env.GITHUB_STEP_SUMMARY || null : opts.stepSummary;
  if (stepSummary) {
    await appendFile(stepSummary, (await readFile(path.join(dir, ReportersMap.markdown.defaultFile), 'utf8')) + '\n');
    files.push(stepSummary);
  }
  if (!opts.noHistory) {
    await appendHistory(historyFile, checked);
    files.push(historyFile);
  }
  return { dir, files };
}
