/**
 * The reference daemon as a cluster: N instances of daemon/main.ts (EXAI_CLUSTER_INSTANCES), all
 * children of this one process, so the harness measures the whole cluster's CPU and RSS as one
 * process tree and stops it with one signal. Every instance gets the same environment (the same
 * Redis and Supabase) and its own ephemeral ports; with OVERBENCH_V8_SEED, a V8 seed each
 * (instanceSeed). Prints one line when all are ready:
 *   {"event":"ready","pid":P,"instances":[<each daemon's ready line>...]}
 * SIGTERM/SIGINT stop every instance gracefully; the death of the harness does too.
 */
import { spawnChild, type Child } from '../../common/child-process/child.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { ExitCode } from '../../common/exit-codes.ts';
import { stopOnSignals, stopWithParent } from '../../common/orphan.ts';
import { REPO_ROOT } from '../../common/tsx.ts';
import { instanceSeed, referenceDaemonArgv } from './reference-daemon-argv.ts';
import { runMain } from '../../common/run-main.ts';

async function main(): Promise<number> {
  stopWithParent();
  const n = Number(process.env.EXAI_CLUSTER_INSTANCES ?? '2');
  if (!Number.isInteger(n) || n < 1 || n > 16) {
    process.stderr.write(`cluster: EXAI_CLUSTER_INSTANCES must be an integer 1..16, got ${JSON.stringify(process.env.EXAI_CLUSTER_INSTANCES)}\n`);
    return ExitCode.BadInput;
  }
  const seed = process.env.OVERBENCH_V8_SEED === undefined ? undefined : Number(process.env.OVERBENCH_V8_SEED);
  const env = { ...process.env, EXAI_CLUSTER_INSTANCES: undefined, OVERBENCH_V8_SEED: undefined };
  const children: Child[] = [];
  const stopAll = () => Promise.all(children.map((c) => c.stop(10_000)));
  const stopping = stopOnSignals(stopAll, ExitCode.Pass);
  for (let i = 0; i < n; i++) {
    children.push(spawnChild(process.execPath, referenceDaemonArgv(seed === undefined ? undefined : instanceSeed(seed, i)), { name: `instance ${i + 1}`, env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  }
  // A failing instance's stderr is ours: the harness shows it.
  for (const c of children) c.stderr?.onLine((l) => process.stderr.write(`${c.name}: ${l}\n`));
  let ready: Record<string, unknown>[];
  try {
    ready = await Promise.all(children.map((c) => readyLine<Record<string, unknown>>(c, (v) => v.event === 'ready', 60_000)));
  } catch (err) {
    process.stderr.write(`cluster: ${(err as Error).message}\n`);
    await stopAll();
    return ExitCode.BadInput;
  }
  process.stdout.write(`${JSON.stringify({ event: 'ready', pid: process.pid, instances: ready })}\n`);
  // An instance that dies takes the cluster down: the harness sees the target die and says why.
  const died = await Promise.race(children.map((c) => c.died));
  if (stopping()) return new Promise<number>(() => {});
  process.stderr.write(`cluster: ${died}\n`);
  await stopAll();
  return ExitCode.Fail;
}

runMain('cluster', main);
