/**
 * `overbench faults`: the fault scenarios (scenarios/faults/*.json) against the reference daemon
 * in the fake world; per scenario what the daemon did in each phase and whether the invariants
 * held (every request answered exactly once, exact totals, bounded memory). `--profile smoke` is
 * short enough for CI; `--profile soak` (npm run bench:soak) runs each timeline for ~10 minutes.
 * Writes <out>/faults/<run-id>/faults.json. Exit 0 every check held, 1 one failed, 2 bad input.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { ExitCode, UsageError } from '../../common/exit-codes.ts';
import { secrets } from '../../common/redact.ts';
import { applyFaultProfile, FAULTS_DIR, loadFaultScenario, type FaultScenario } from '../faults/scenario.ts';
import { runFaultScenario, type FaultOutcome } from '../faults/run-faults.ts';
import { newRunId } from '../result/build.ts';
import { RunAborted } from '../run/guard.ts';
import { randomSeed } from '../run/seeds.ts';
import { flags, outFlag, parseCommand, seedFlag } from './flags.ts';
import { interruptible } from './run-and-report.ts';

const USAGE = `usage: overbench faults [--scenario NAME|PATH]... [--profile smoke|soak] [--seed N] [--out DIR] [--json]
fault scenarios (scenarios/faults/): provider 429 storms and timeouts, Redis outage, Supabase 5xx and
slowness, reconnect storm, slow consumers; checks: every request answered exactly once, the daemon's
exact totals match the clients', RSS under the scenario's bound, and each scenario's expectations
exit: 0 every check held, 1 a check failed, 2 bad input`;

async function resolveScenarios(refs: readonly string[]): Promise<FaultScenario[]> {
  const builtin = (await readdir(FAULTS_DIR)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  const files = (refs.length ? refs : builtin).map((r) => {
    if (r.includes('/') || r.endsWith('.json')) return path.resolve(r);
    if (!builtin.includes(r)) throw new UsageError(`unknown fault scenario "${r}" (built in: ${builtin.join(', ')}; or a path to a .json file)`);
    return path.join(FAULTS_DIR, `${r}.json`);
  });
  return Promise.all(files.map(loadFaultScenario));
}

function describe(o: FaultOutcome): string {
  if (o.skipped) return `${o.scenario} (${o.profile}): SKIPPED (${o.skipped})\n`;
  const lines = [`${o.scenario} (${o.profile}): ${o.ok ? 'OK' : 'FAILED'}  ${o.description}`];
  for (const p of o.phases) {
    const outcomes = Object.entries(p.outcomes).map(([k, v]) => `${k} ${v}`).join(', ') || 'no replies';
    const circuits = Object.entries(p.circuitsSeen).map(([k, v]) => `${k} ${v.join('>')}`).join(', ');
    lines.push(`  ${p.name.padEnd(14)} ${p.sec.toFixed(1).padStart(5)} s  ${outcomes}; circuits ${circuits || '-'}; provider saw ${p.provider.requests} (${p.provider.rate429} x 429, ${p.provider.hang} hung)${p.actions.length ? `; ${p.actions.join('; ')}` : ''}`);
  }
  const r = o.rssMb.samples;
  // RSS over time, ten points across the run: a leak shows as a climb that does not level off.
  const trend = r.length ? Array.from({ length: Math.min(10, r.length) }, (_, i) => r[Math.floor((i * (r.length - 1)) / Math.max(1, Math.min(10, r.length) - 1))]) : [];
  lines.push(`  RSS MB over time: ${trend.join(' ') || 'no samples'}`);
  for (const c of o.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  return `${lines.join('\n')}\n`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, flags('scenario', 'profile', 'seed', 'out', 'json'), { usage: USAGE });
  if (!parsed) return ExitCode.Pass;
  const f = parsed.values;
  const profile = f.profile ?? 'default';
  if (!['smoke', 'soak', 'default'].includes(profile)) throw new UsageError(`--profile "${profile}": expected smoke or soak`);
  const seed = seedFlag(f.seed) ?? randomSeed();
  const outDir = outFlag(f.out);
  const scenarios = (await resolveScenarios(f.scenario ?? [])).map((s) => applyFaultProfile(s, profile as 'smoke' | 'soak' | 'default'));
  for (const s of scenarios) secrets.addEnv(s.env);
  const startedAt = new Date();
  return interruptible(
    async (signal) => {
      const outcomes: FaultOutcome[] = [];
      for (const s of scenarios) {
        if (!f.json) process.stdout.write(`${s.name}: ${s.phases.map((p) => `${p.name} ${p.sec}s`).join(', ')}${s.repeat > 1 ? `, x${s.repeat}` : ''}\n`);
        const o = await runFaultScenario(s, { profile, seed, signal });
        outcomes.push(o);
        if (!f.json) process.stdout.write(describe(o));
      }
      return outcomes;
    },
    async (outcomes, signal) => {
      const runId = newRunId(startedAt);
      const body = secrets.data({ runId, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), seed, profile, ok: outcomes.every((o) => o.ok), scenarios: outcomes });
      const file = path.join(outDir, 'faults', runId, 'faults.json');
      await writeFileAtomic(file, `${JSON.stringify(body, null, 2)}\n`, signal).catch((e: unknown) => {
        throw signal.aborted ? new RunAborted(String(signal.reason)) : e;
      });
      if (f.json) process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      else process.stdout.write(`faults: ${body.ok ? 'every check held' : 'a check FAILED'} (seed ${seed})\nresult: ${file}\n`);
      return body.ok ? ExitCode.Pass : ExitCode.Fail;
    },
  );
}
