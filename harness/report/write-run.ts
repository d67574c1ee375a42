import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { secrets } from '../../common/redact.ts';
import { Result } from '../result/schema.ts';
import { RunAborted } from '../run/guard.ts';
import { appendHistory, readHistory } from './history.ts';
import { readLatestCalibration } from './load-calibration.ts';
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
  /** SIGINT/SIGTERM: the file being written is dropped, the ones before it stay, and RunAborted is thrown. */
  signal?: AbortSignal;
}

export const HISTORY_FILE = 'history.jsonl';

/**
 * Test hook: pause this many ms before each file, so a test can send a signal while the run is
 * writing (harness/cli/interrupt-phases.e2e.test.ts). Unset in normal use.
 */
const PAUSE_ENV = 'OVERBENCH_TEST_WRITE_PAUSE_MS';

/**
 * The result as it may leave the process: every recorded env value whose name looks secret, those
 * values anywhere else (a command line, a child's stderr in an error), and URL credentials are
 * redacted (common/redact.ts).
 */
export function redactResult(result: Result): Result {
  for (const s of result.scenarios) {
    secrets.addEnv(s.variants.baseline.env);
    secrets.addEnv(s.variants.instrumented.env);
  }
  return secrets.data(result);
}

/**
 * Everything a run leaves behind: `<outDir>/<runId>/result.json` (validated first: a renderer
 * must never see a file the schema would reject), `<outDir>/latest.json`, then report.html,
 * junit.xml and summary.md rendered from that result beside it, `<outDir>/latest.html`, and one
 * line appended to `<outDir>/history.jsonl`. The HTML's trend includes this run. Each file is
 * written to a temporary name and renamed (common/atomic-write.ts), secrets redacted first; the
 * redacted result is returned for printing.
 */
export async function writeRun(result: Result, opts: WriteRunOptions): Promise<{ dir: string; files: string[]; result: Result }> {
  const checked = redactResult(Result.parse(result));
  const dir = path.join(opts.outDir, checked.runId);
  const pauseMs = Number(process.env[PAUSE_ENV] ?? 0);
  const files: string[] = [];
  /** Write one file, unless a stop came first; a stop during it drops that file (no partial one). */
  const step = async (file: string, write: () => Promise<unknown>) => {
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    if (opts.signal?.aborted) throw new RunAborted(String(opts.signal.reason));
    try {
      await write();
    } catch (err) {
      if (opts.signal?.aborted) throw new RunAborted(String(opts.signal.reason));
      throw err;
    }
    files.push(file);
  };

  const json = JSON.stringify(checked, null, 2) + '\n';
  const resultFile = path.join(dir, 'result.json');
  await step(resultFile, () => writeFileAtomic(resultFile, json, opts.signal));
  const latest = path.join(opts.outDir, 'latest.json');
  await step(latest, () => writeFileAtomic(latest, json, opts.signal));

  const historyFile = path.join(opts.outDir, HISTORY_FILE);
  const ctx = defaultContext({
    inconclusive: opts.inconclusive ?? 'fail',
    history: (await readHistory(historyFile)).entries,
    calibration: await readLatestCalibration(opts.outDir),
  });
  for (const name of Object.keys(ReportersMap) as ReporterName[]) {
    const file = path.join(dir, ReportersMap[name].defaultFile);
    await step(file, () => writeReport(name, checked, ctx, file, opts.signal));
  }
  const latestHtml = path.join(opts.outDir, 'latest.html');
  await step(latestHtml, async () => writeFileAtomic(latestHtml, await readFile(path.join(dir, ReportersMap.html.defaultFile)), opts.signal));
  const stepSummary = opts.stepSummary === undefined ? process.env.GITHUB_STEP_SUMMARY || null : opts.stepSummary;
  if (stepSummary) {
    // Appends (a CI job's summary, the history) are one write of a few KB: a kill cannot split
    // them in practice, and readHistory skips a damaged line anyway.
    const md = await readFile(path.join(dir, ReportersMap.markdown.defaultFile), 'utf8');
    await step(stepSummary, () => appendFile(stepSummary, md + '\n'));
  }
  if (!opts.noHistory) await step(historyFile, () => appendHistory(historyFile, checked));
  return { dir, files, result: checked };
}
