/** Reports: everything that turns a result JSON into what people and CI systems read. */
export { ReportersMap, htmlReporter, junitReporter, markdownReporter, type ReporterName } from './reporters/index.ts';
export { defaultContext, type Reporter, type RenderContext, type InconclusivePolicy } from './reporter.ts';
export { writeRun, HISTORY_FILE, type WriteRunOptions } from './write-run.ts';
export { loadResult, parseResult } from './load-result.ts';
export { compareResults, type CompareOptions, type CompareOutcome } from './compare-results.ts';
export { compareTable } from './compare-table.ts';
export { appendHistory, readHistory, historyEntry, HistoryEntry } from './history.ts';
export { verdictExitCode } from '../../common/exit-codes.ts';
