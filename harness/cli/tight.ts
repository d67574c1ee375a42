import { BACKEND_NAMES, type BackendName } from '../../daemon/metrics/types.ts';
import { envInfo, newRunId, toolInfo } from '../result/build.ts';
import { SCHEMA_VERSION, type Result } from '../result/schema.ts';
import { writeRun } from '../report/write-run.ts';
import { RunAborted } from '../run/guard.ts';
import { SIGNAL_EXIT, withInterrupts } from '../run/interrupt.ts';
import { overallVerdict } from '../stats/compare.ts';
import { findRealisticCpu } from '../tight/context.ts';
import { TIGHT_PROFILES, type TightProfile } from '../tight/profiles.ts';
import { DEFAULT_SEED, runTight, type TightEvent } from '../tight/run.ts';
import { contextLine, renderTight } from '../tight/table.ts';
import { ExitCode, UsageError, verdictExitCode } from '../../common/exit-codes.ts';
import { commandLine, intFlag, outFlag, parseCommand, seedFlag } from './flags.ts';

const HELP = `usage: overbench tight [options]

Per-operation cost of each metrics backend and of the daemon's in-process message hot path,
overhead vs the none backend, verdicts vs budgets (harness/tight/budgets.ts).

  --backends LIST   comma-separated: ${BACKEND_NAMES.join(',')} (none is always added;
                    default all, the ci profile none,fast)
  --rounds N        rounds (default: the profile's)
  --profile NAME    smoke | ci | full (default: the default profile, 10 rounds)
  --seed N          seed of the backend order and the bootstrap (default ${DEFAULT_SEED})
  --clock cpu|wall  time by process CPU time (default; robust on a shared machine) or wall time
  --out DIR         reports folder (default reports)
  --json            print the result JSON only
`;

function parseBackends(value: string | undefined): BackendName[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--backends: empty list');
  for (const n of names) {
    if (!(BACKEND_NAMES as readonly string[]).includes(n)) {
      throw new UsageError(`--backends: unknown backend "${n}" (expected some of ${BACKEND_NAMES.join(', ')})`);
    }
  }
  return names as BackendName[];
}

function progress(json: boolean): (e: TightEvent) => void {
  if (json) return () => {};
  const tty = process.stderr.isTTY;
  return (e) => {
    if (e.type === 'start') {
      process.stderr.write(`bench:tight profile ${e.profile}: ${e.rounds} rounds x ${e.workloads.length} workloads x ${e.backends.length} backends (${e.backends.join(', ')}), seed ${e.seed}\n`);
    } else if (e.type === 'task') {
      const eta = e.done > 0 ? ((e.elapsedMs / e.done) * (e.tasks - e.done)) / 1000 : 0;
      const line = `round ${e.round + 1} ${e.workload.padEnd(13)} ${e.backend.padEnd(7)} ${e.nsPerOp === null ? `error: ${e.error}` : `${e.nsPerOp.toFixed(1)} ns/op`}  [${e.done}/${e.tasks}, ${(e.elapsedMs / 1000).toFixed(0)} s, ~${eta.toFixed(0)} s left]`;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else if (e.error || e.done === e.tasks || e.done % 25 === 0) process.stderr.write(`${line}\n`);
    } else if (e.type === 'done') {
      process.stderr.write(`${tty ? '\r\x1b[K' : ''}done in ${(e.elapsedMs / 1000).toFixed(1)} s\n`);
    }
  };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      backends: { type: 'string' },
      rounds: { type: 'string' },
      profile: { type: 'string' },
      seed: { type: 'string' },
      clock: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    { usage: HELP },
  );
  if (!parsed) return ExitCode.Pass;
  const { values: f } = parsed;
  if (f.profile !== undefined && !(TIGHT_PROFILES as readonly string[]).includes(f.profile)) {
    throw new UsageError(`--profile "${f.profile}": expected smoke, ci or full`);
  }
  if (f.clock !== undefined && f.clock !== 'cpu' && f.clock !== 'wall') {
    throw new UsageError(`--clock "${f.clock}": expected cpu or wall`);
  }
  const profile = (f.profile ?? 'default') as TightProfile;
  const seed = seedFlag(f.seed) ?? DEFAULT_SEED;
  const rounds = intFlag('rounds', f.rounds, 1);
  const backends = parseBackends(f.backends);
  const outDir = outFlag(f.out);
  const json = f.json ?? false;

  // read before this run overwrites latest.json
  const realistic = await findRealisticCpu(outDir);
  const startedAt = new Date().toISOString();
  let scenarios;
  try {
    // SIGINT/SIGTERM (or the parent's death) stop the workers and write nothing: exit 130/143.
    scenarios = await withInterrupts((signal) => runTight({
      profile, seed, ...(rounds !== undefined && { rounds }), ...(backends && { backends }),
      clock: (f.clock as 'cpu' | 'wall' | undefined) ?? 'cpu', onEvent: progress(json), signal,
    }));
  } catch (e) {
    if (e instanceof RunAborted) return SIGNAL_EXIT[e.signalName as 'SIGINT' | 'SIGTERM'] ?? ExitCode.BadInput;
    throw e;
  }
  const verdict = overallVerdict(scenarios.map((s) => s.verdict));
  const result: Result = {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    runId: newRunId(),
    startedAt,
    finishedAt: new Date().toISOString(),
    command: commandLine('tight', argv),
    seed,
    env: envInfo(null),
    verdict,
    comparisonsMade: scenarios.reduce((a, s) => a + s.comparisons.length, 0),
    scenarios,
  };
  const written = await writeRun(result, { outDir });
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(`${renderTight(scenarios, seed)}\n\n${contextLine(scenarios, realistic)}\n`);
    process.stdout.write(`verdict: ${verdict}; result in ${written.dir}\n`);
  }
  return verdictExitCode(verdict);
}
