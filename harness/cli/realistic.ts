import { runRealistic } from '../run/realistic.ts';
import { randomSeed } from '../run/seeds.ts';
import { loadScenarios } from '../scenario/load.ts';
import { PROFILE_NAMES, type ProfileName } from '../scenario/schema.ts';
import { ExitCode, UsageError } from '../../common/exit-codes.ts';
import { inconclusiveFlag, intFlag, outFlag, flags, parseCommand, seedFlag, untilDecidedFlags } from './flags.ts';
import { runAndReport } from './run-and-report.ts';

const USAGE = `usage: overbench realistic [--scenario NAME|PATH]... [--profile smoke|ci|full] [--backend B]
  [--baseline TARGET] [--instrumented TARGET] [--baseline-pid N] [--instrumented-pid N]
  [--rounds N] [--seed N] [--out DIR] [--json] [--inconclusive=pass] [--until-decided --max-time DURATION]
--until-decided: while a comparison is inconclusive, add batches of rounds, each look at its share
  of the 5% error rate, each scenario within DURATION (90s, 5m, 1h) of its start
TARGET: "spawn:CMD ARGS" ({port}, $PORT, $EXAI_WS_PORT) or "url:ws://host:port"; none = the reference daemon
exit: 0 pass, 1 budget failed, 2 bad input or target fault, 3 inconclusive`;

export const REALISTIC_FLAGS = flags(
  'scenario', 'profile', 'backend', 'baseline', 'instrumented', 'baseline-pid', 'instrumented-pid', 'rounds', 'seed', 'out', 'json', 'inconclusive',
  'until-decided', 'max-time',
);

export function profileFlag(value: string | undefined): ProfileName | undefined {
  if (value === undefined) return undefined;
  if (!(PROFILE_NAMES as readonly string[]).includes(value)) throw new UsageError(`--profile "${value}": expected one of ${PROFILE_NAMES.join(', ')}`);
  return value as ProfileName;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, REALISTIC_FLAGS, { usage: USAGE });
  if (!parsed) return ExitCode.Pass;
  const { values: f } = parsed;
  const profile = profileFlag(f.profile);
  const inconclusive = inconclusiveFlag(f.inconclusive);
  const seed = seedFlag(f.seed) ?? randomSeed();
  const rounds = intFlag('rounds', f.rounds, 1);
  const baselinePid = intFlag('baseline-pid', f['baseline-pid'], 1);
  const instrumentedPid = intFlag('instrumented-pid', f['instrumented-pid'], 1);
  const outDir = outFlag(f.out);
  const untilDecidedMs = untilDecidedFlags(f['until-decided'], f['max-time']);
  const scenarios = await loadScenarios(f.scenario ?? []);
  return runAndReport({ sub: 'realistic', argv, seed, outDir, json: Boolean(f.json), inconclusive }, (signal, onEvent) =>
    runRealistic({
      scenarios,
      seed,
      signal,
      onEvent,
      profile,
      backend: f.backend,
      baseline: f.baseline,
      instrumented: f.instrumented,
      baselinePid,
      instrumentedPid,
      rounds,
      untilDecidedMs,
    }),
  );
}
