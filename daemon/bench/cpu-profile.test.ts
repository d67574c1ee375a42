import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CpuProfile } from './cpu-profile.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function busy(ms: number): number {
  let x = 0;
  const until = performance.now() + ms;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  return x;
}

it('writes a V8 .cpuprofile (nodes, samples, times) of what ran between start and stop, creating its folder', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cpu-profile-'));
  dirs.push(dir);
  const p = new CpuProfile();
  await p.start();
  expect(busy(50)).toBeGreaterThan(0);
  const file = await p.stop(path.join(dir, 'nested', 'run.cpuprofile'));
  const profile = JSON.parse(await readFile(file, 'utf8'));
  expect(profile.nodes.length).toBeGreaterThan(1);
  expect(profile.samples.length).toBeGreaterThan(0);
  expect(profile.endTime).toBeGreaterThan(profile.startTime);
  expect(profile.nodes.some((n: { callFrame: { functionName: string } }) => n.callFrame.functionName === 'busy')).toBe(true);
  await expect(p.stop(file)).rejects.toThrow(/before start/);
});
