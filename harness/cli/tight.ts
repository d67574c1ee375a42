import path from 'node:path';
import { BACKEND_NAMES, type BackendName } from '../../daemon/metrics/types.ts';
import { tightProgress } from '../console/tight-progress.ts';
import { findRealisticCpu } from '../tight/realistic-cpu.ts';
import { TIGHT_PROFILES, type TightProfile } from '../tight/profiles.ts';
import { DEFAULT_SEED, runTight } from '../tight/run.ts';
import { contextLine, renderTight } from '../tight/table.ts';
import { renderAccount, spreadLines } from '../tight/account-table.ts';
import { ExitCode, UsageError } from '../../common/exit-codes.ts';
import { inconclusiveFlag, intFlag, outFlag, flags, parseCommand, seedFlag } from './flags.ts';
import { runAndReport } from './run-and-report.ts';

const HELP = `usage: overbench tight [options]

Per-operation cost of each metrics backend and of the daemon's in-process message hot path,
overhead vs the none backend, verdicts vs budgets (harness/tight/budgets.ts). Each round is a
fresh worker process in which none and each backend alternate batch by batch, each through its
own copy of the daemon's modules; then the account: per status call and per frame, what each
metrics call adds, their sum against the measured whole.

  --backends LIST   comma-separated: ${BACKEND_NAMES.join(',')} (none is always added;
                    default all, the ci profile none,fast)
  --rounds N        rounds (default: the profile's)
  --profile NAME    smoke | ci | full (default: the default profile, 6 rounds)
  --seed N          seed of the backend order and the bootstrap (default ${DEFAULT_SEED})
  --clock wall|cpu  time each batch by wall time (default, process.hrtime: a batch another
                    process preempted is an outlier the per-pair median sets aside) or by the
                    process's CPU time (1 us steps, counts its other threads too)
  --cpu-profile DIR write <workload>.<backend>.cpuprofile files there (V8 CPU profiles of each
                    side's batches, taken in the last round after its timing)
  --out DIR         reports folder (default reports)
  --json            print the result JSON only
  --inconclusive=pass
                    exit 0, not 3, when noise leaves a verdict undecided
exit: 0 pass, 1 a budget failed (or a backend miscounted), 2 bad input, 3 inconclusive
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

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, flags('backends', 'rounds', 'profile', 'seed', 'clock', 'out', 'json', 'inconclusive', 'cpu-profile'), { usage: HELP });
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
  const inconclusive = inconclusiveFlag(f.inconclusive);
  const clock = (f.clock as 'cpu' | 'wall' | undefined) ?? 'wall';
  if (f['cpu-profile'] === '') throw new UsageError('--cpu-profile: expected a folder');
  const cpuProfileDir = f['cpu-profile'] === undefined ? undefined : path.resolve(f['cpu-profile']);

  // read before this run overwrites latest.json
  const realistic = await findRealisticCpu(outDir);
  return runAndReport(
    { sub: 'tight', argv, seed, outDir, json, inconclusive, summary: (result) => [renderTight(result.scenarios, seed), renderAccount(result.scenarios, seed), spreadLines(result.scenarios), contextLine(result.scenarios, realistic)].filter(Boolean).join('\n\n') },
    async (signal) => ({
      scenarios: await runTight({ profile, seed, ...(rounds !== undefined && { rounds }), ...(backends && { backends }), clock, cpuProfileDir, onEvent: json ? undefined : tightProgress(), signal }),
      world: null,
    }),
  );
}
