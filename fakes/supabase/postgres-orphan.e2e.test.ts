/**
 * A parent that is SIGKILLed (no exit handler runs) must not leave its throwaway PostgreSQL
 * cluster behind: the tied-process watchdog notices the parent is gone, shuts the postmaster
 * down and removes the temp dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { firstLine } from '../common/testing/first-line.ts';
import { alive, descendants, gone, leftAfter } from '../common/testing/procs.ts';

const FIXTURE = fileURLToPath(new URL('./testing/cluster-parent.ts', import.meta.url));
let parent: ChildProcess | undefined;

afterAll(() => {
  if (parent && parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
});

describeWithDeps(['postgres'], 'throwaway PostgreSQL cluster and a SIGKILLed parent', () => {
  it('the postmaster, its children and the temp dir are gone within a few seconds', async () => {
    parent = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      env: { ...process.env, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    parent.stderr!.on('data', (d) => (stderr += d));
    const { dir, postmasterPid } = JSON.parse(await firstLine(parent, () => stderr)) as { dir: string; postmasterPid: number };
    expect(alive(postmasterPid)).toBe(true);
    expect(existsSync(dir)).toBe(true);
    const postgresChildren = descendants(postmasterPid); // checkpointer, walwriter, ...
    expect(postgresChildren.length).toBeGreaterThan(0);

    const exited = new Promise((r) => parent!.once('exit', r));
    parent.kill('SIGKILL');
    await exited;

    expect(await gone(postmasterPid, 5000)).toBe(true);
    expect(await leftAfter(() => postgresChildren.filter(alive), 5000)).toEqual([]);
    expect(await leftAfter(() => (existsSync(dir) ? [1] : []), 5000)).toEqual([]);
  }, 90_000);
});
