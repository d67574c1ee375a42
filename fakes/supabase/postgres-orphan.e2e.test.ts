/**
 * A parent that is SIGKILLed (no exit handler runs) must not leave its throwaway PostgreSQL
 * cluster behind: the tied-process watchdog notices the parent is gone, shuts the postmaster
 * down and removes the temp dir.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnChild } from '../../common/child-process/child.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { alive } from '../../common/proc.ts';
import { descendants, gone, leftAfter } from '../../common/testing/procs.ts';

const FIXTURE = fileURLToPath(new URL('./testing/cluster-parent.ts', import.meta.url));
let parent: ChildProcess | undefined;

afterAll(() => {
  if (parent && parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
});

describeWithDeps(['postgres'], 'throwaway PostgreSQL cluster and a SIGKILLed parent', () => {
  it('the postmaster, its children and the temp dir are gone within a few seconds', async () => {
    const fixture = spawnChild(process.execPath, ['--import', 'tsx', FIXTURE], { name: 'cluster parent', env: { ...process.env, DATABASE_URL: '' } });
    parent = fixture.process;
    const { dir, postmasterPid } = await readyLine<{ dir: string; postmasterPid: number }>(fixture, undefined, 80_000);
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
