import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { overallVerdict } from '../stats/compare.ts';
import { SCHEMA_VERSION, type Result, type ScenarioResult } from './schema.ts';

const root = new URL('../../', import.meta.url);

export function toolInfo(): Result['tool'] {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}

/** Sortable and unique: 20261127-012233-a1b2. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function gitSha(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

export function envInfo(world: Result['env']['world']): Result['env'] {
  const cpus = os.cpus();
  return {
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    gitSha: gitSha(),
    world,
  };
}

/** What a run measured: its scenarios, and the fakes' world they ran in (null: none, as in tight). */
export interface RunOutcome {
  scenarios: ScenarioResult[];
  world: Result['env']['world'];
}

/** The result file of every run (tight, realistic, or both for the gate), from what it measured. */
export function buildResult(args: RunOutcome & { startedAt: Date; seed: number; command: string }): Result {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    runId: newRunId(args.startedAt),
    startedAt: args.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: args.command,
    seed: args.seed,
    env: envInfo(args.world),
    verdict: overallVerdict(args.scenarios.map((s) => s.verdict)),
    comparisonsMade: args.scenarios.reduce((n, s) => n + s.comparisons.length, 0),
    scenarios: args.scenarios,
  };
}
