import path from 'node:path';
import { consoleReporter } from '../console/reporter.ts';
import { renderScenario } from '../console/scenario-table.ts';
import { writeRun } from '../report/write-run.ts';
import type { TightEvent } from '../tight/run.ts';
import { RunAborted } from '../run/guard.ts';
import { SIGNAL_EXIT, withInterrupts } from '../run/interrupt.ts';
import { planScenarios } from '../run/plan.ts';
import { runRealistic } from '../run/realistic.ts';
import { buildResult, exitCodeFor } from '../run/result.ts';
import { randomSeed } from '../run/seeds.ts';
import { loadScenarios } from '../scenario/load.ts';
import { installExitCleanup } from '../targets/children.ts';
import { ExitCode } from './exit-codes.ts';
import { commandLine, intFlag, parseFlags } from './flags.ts';
import { inconclusiveFlag, printOutcome } from './realistic.ts';

const USAGE = `usage: overbench gate [--backend B] [--seed N] [--out DIR] [--json] [--inconclusive=pass]
The CI gate: the ci profile of bench:tight and of every built-in realistic scenario, one result,
exit 0 pass, 1 a budget failed, 2 bad input or target fault, 3 inconclusive.`;

/** A one-line tight progress on a terminal (tight's own events; the realistic half has its reporter). */
function tightProgress(e: TightEvent): void {
  if (!process.stderr.isTTY) return;
  if (e.type === 'task') process.stderr.write(`\r\x1b[2Kbench:tight (ci) ${e.done}/${e.tasks} ${e.workload} ${e.backend}`);
  if (e.type === 'done') process.stderr.write('\r\x1b[2K');
}

export async function run(argv: string[]): Promise<number> {
  const { values: f } = parseFlags(argv, {
    backend: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    inconclusive: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (f.help) {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.Pass;
  }
  const inconclusivePass = inconclusiveFlag(f.inconclusive);
  const seed = intFlag('seed', f.seed, 0) ?? randomSeed();
  const outDir = path.resolve(f.out ?? 'reports');
  installExitCleanup();
  const scenarios = await loadScenarios([]);
  // Check the realistic half before spending minutes on the tight half.
  planScenarios(scenarios, { profile: 'ci', backend: f.backend }, seed);
  const reporter = f.json ? null : consoleReporter();
  const startedAt = new Date();
  try {
    return await withInterrupts(async (signal) => {
      if (!f.json) process.stderr.write('bench:tight (ci profile)...\n');
      // Loaded only when the gate runs: `realistic` must not pay for the tight bench's modules.
      const { runTight } = await import('../tight/run.ts');
      const tight = await runTight({ profile: 'ci', seed, onEvent: f.json ? undefined : tightProgress });
      if (signal.aborted) throw new RunAborted(String(signal.reason));
      if (!f.json) for (const s of tight) process.stdout.write(`${renderScenario(s)}\n\n`);
      const realistic = await runRealistic({ scenarios, seed, signal, onEvent: reporter?.listener, profile: 'ci', backend: f.backend });
      const result = buildResult({
        scenarios: [...tight, ...realistic.scenarios],
        world: realistic.world,
        startedAt,
        seed,
        command: commandLine('gate', argv),
      });
      const { files } = await writeRun(result, { outDir, inconclusive: inconclusivePass ? 'pass' : 'fail' });
      reporter?.listener({ type: 'run-end', result });
      printOutcome(result, files, Boolean(f.json));
      return exitCodeFor(result, inconclusivePass);
    });
  } catch (e) {
    if (e instanceof RunAborted) return SIGNAL_EXIT[e.signalName as 'SIGINT' | 'SIGTERM'] ?? ExitCode.BadInput;
    throw e;
  } finally {
    reporter?.dispose();
  }
}
