import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { Comparison, Verdict, type Result } from '../result/schema.ts';

/**
 * reports/history.jsonl: one line per run, enough to draw each scenario's overhead trend across
 * runs without keeping every result.json. Lines are appended, never rewritten.
 */
export const HistoryEntry = z.object({
  runId: z.string(),
  gitSha: z.string().nullable(),
  time: z.string(),
  verdict: Verdict,
  scenarios: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['tight', 'realistic']),
      verdict: Verdict,
      comparisons: z.array(
        Comparison.pick({ metric: true, budgetPct: true, estimatePct: true, ciLowPct: true, ciHighPct: true, verdict: true }),
      ),
    }),
  ),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export function historyEntry(result: Result): HistoryEntry {
  return {
    runId: result.runId,
    gitSha: result.env.gitSha,
    time: result.finishedAt,
    verdict: result.verdict,
    scenarios: result.scenarios.map((s) => ({
      name: s.name,
      kind: s.kind,
      verdict: s.verdict,
      comparisons: s.comparisons.map(({ metric, budgetPct, estimatePct, ciLowPct, ciHighPct, verdict }) => ({
        metric, budgetPct, estimatePct, ciLowPct, ciHighPct, verdict,
      })),
    })),
  };
}

export async function appendHistory(file: string, result: Result): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, JSON.stringify(historyEntry(result)) + '\n');
}

/**
 * All readable entries, oldest first. A missing file is no history; a damaged line (a run killed
 * mid-write, a hand edit) is skipped and counted rather than making every later report fail.
 */
export async function readHistory(file: string): Promise<{ entries: HistoryEntry[]; skipped: number }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: 0 };
    throw err;
  }
  const entries: HistoryEntry[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = HistoryEntry.safeParse(JSON.parse(line));
      if (parsed.success) entries.push(parsed.data);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  entries.sort((a, b) => a.time.localeCompare(b.time));
  return { entries, skipped };
}

/**
 * The runs to draw a trend over for `result`: history up to this run's time, plus this run itself
 * when it is not in the file (re-rendering an old result shows the trend as it stood then).
 */
export function trendEntries(history: readonly HistoryEntry[], result: Result): HistoryEntry[] {
  const upTo = history.filter((e) => e.time <= result.finishedAt && e.runId !== result.runId);
  upTo.push(historyEntry(result));
  return upTo.sort((a, b) => a.time.localeCompare(b.time));
}
