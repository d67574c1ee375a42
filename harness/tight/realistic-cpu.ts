import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { median } from '../stats/compare.ts';

export interface RealisticCpu {
  /** Median CPU per request (us) of the valid baseline rounds of every realistic scenario. */
  cpuPerRequestUs: number;
  file: string;
  scenarios: string[];
}

/** How many run folders back to look for a realistic result (newest first). */
const LOOK_BACK = 50;

/**
 * The CPU a realistic request costs, from the newest result under `outDir` that has realistic
 * scenarios (latest.json first; a tight run overwrites latest.json, so the run folders too).
 * Read before this run writes its own result. Null when there is none.
 */
export async function findRealisticCpu(outDir: string): Promise<RealisticCpu | null> {
  const candidates = [path.join(outDir, 'latest.json')];
  try {
    const dirs = (await readdir(outDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    dirs.sort().reverse();
    for (const d of dirs.slice(0, LOOK_BACK)) candidates.push(path.join(outDir, d, 'result.json'));
  } catch {
    return null;
  }
  for (const file of candidates) {
    const found = await realisticCpuOf(file);
    if (found) return found;
  }
  return null;
}

async function realisticCpuOf(file: string): Promise<RealisticCpu | null> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
  const scenarios = (data as { scenarios?: unknown }).scenarios;
  if (!Array.isArray(scenarios)) return null;
  const values: number[] = [];
  const names: string[] = [];
  for (const s of scenarios as { kind?: string; name?: string; rounds?: { variant?: string; valid?: boolean; cpuPerRequestUs?: number | null }[] }[]) {
    if (s.kind !== 'realistic' || !Array.isArray(s.rounds)) continue;
    const cpu = s.rounds
      .filter((r) => r.variant === 'baseline' && r.valid !== false && typeof r.cpuPerRequestUs === 'number' && r.cpuPerRequestUs > 0)
      .map((r) => r.cpuPerRequestUs as number);
    if (cpu.length === 0) continue;
    values.push(...cpu);
    names.push(String(s.name));
  }
  const m = median(values);
  return m === null ? null : { cpuPerRequestUs: m, file, scenarios: names };
}
