import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { instanceSeed, layoutSeed, REFERENCE_DAEMON_V8_FLAGS } from './reference-daemon-argv.ts';

/**
 * Promotes ~350 MB into the old generation (at most ~180 MB of it live at once) and drops it in
 * turns, the way a long run's promotions add up; prints how many major collections ran.
 */
const PROMOTE_AND_COUNT = `
const { PerformanceObserver, constants } = require('node:perf_hooks');
let majors = 0;
const obs = new PerformanceObserver((l) => {
  for (const e of l.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
});
obs.observe({ entryTypes: ['gc'] });
const keep = [];
for (let i = 0; i < 120; i++) {
  keep.push(Array.from({ length: 1e5 }, (_, j) => ({ j })));
  if (keep.length > 60) keep.length = 0;
}
setTimeout(() => { obs.disconnect(); process.stdout.write(String(majors)); }, 50);
`;

function majorCollections(flags: readonly string[]): number {
  const r = spawnSync(process.execPath, [...flags, '-e', PROMOTE_AND_COUNT], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return Number(r.stdout);
}

describe('REFERENCE_DAEMON_V8_FLAGS', () => {
  it('hold off every major collection while a run promotes a few hundred MB', () => {
    // The probe sees a major collection under V8's defaults, so a zero below is the flags' doing.
    expect(majorCollections([])).toBeGreaterThan(0);
    expect(majorCollections(REFERENCE_DAEMON_V8_FLAGS)).toBe(0);
  });

  it('expose gc, so that /stats?gc=young can empty the young generation as a window starts', () => {
    const r = spawnSync(process.execPath, [...REFERENCE_DAEMON_V8_FLAGS, '-e', 'process.stdout.write(typeof gc)'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stdout).toBe('function');
  });
});

describe('layoutSeed', () => {
  it('gives each pair of a run its own non-zero seed, the same for the same run and pair', () => {
    const seeds = [1, 2, 3, 4].map((pair) => layoutSeed(42, pair));
    expect(new Set(seeds).size).toBe(4);
    expect(seeds.every((s) => s > 0)).toBe(true);
    expect(layoutSeed(42, 3)).toBe(seeds[2]);
  });
});

describe('instanceSeed', () => {
  it("keeps the cluster's seed for instance 0 and gives the others their own, the same in both variants", () => {
    const cluster = layoutSeed(42, 1);
    const seeds = [0, 1, 2].map((i) => instanceSeed(cluster, i));
    expect(seeds[0]).toBe(cluster);
    expect(new Set(seeds).size).toBe(3);
    expect(seeds.every((s) => Number.isInteger(s) && s > 0)).toBe(true);
    expect(instanceSeed(cluster, 2)).toBe(seeds[2]);
  });
});
