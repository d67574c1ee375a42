import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpusAllowed } from '../../common/proc.ts';
import { CpusetGroup, cpusetCpus, cpusetHierarchy, removeStaleGroups } from './cpuset.ts';
import { duetCpus } from './pin.ts';

const MOUNTS_V1 = 'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\ncgroup /nonexistent/cpuset cgroup rw,relatime,cpuset 0 0\n';
const MOUNTS_V2 = 'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n';

describe('cpusetHierarchy', () => {
  it('finds no hierarchy without a v1 cpuset mount, or where groups cannot be made', () => {
    expect(cpusetHierarchy(MOUNTS_V2, '0::/\n')).toBeNull();
    expect(cpusetHierarchy(null, null)).toBeNull();
    // Mounted, but not writable here (the path does not exist): the duet falls back to taskset.
    expect(cpusetHierarchy(MOUNTS_V1, '3:cpuset:/\n')).toBeNull();
  });
});

// The real thing, where this machine lets us (root with the v1 cpuset hierarchy, as CI runs).
const parent = cpusetHierarchy();
const cpus = duetCpus();

describe.skipIf(parent === null || cpus === null)('cpuset groups on this machine', () => {
  it('moves a process tree in, switches its CPU with one write, and hands it back on removal', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      const group = CpusetGroup.create(parent!, 'test', cpus![0])!;
      expect(group).not.toBeNull();
      expect(group.adopt([child.pid!])).toBe(true);
      expect(cpusAllowed(child.pid!)).toEqual([cpus![0]]);
      group.setCpu(cpus![1]);
      expect(cpusAllowed(child.pid!)).toEqual([cpus![1]]);
      group.remove();
      expect(existsSync(group.dir)).toBe(false);
      // Back in the parent group, on all of its CPUs again.
      expect(cpusAllowed(child.pid!)).toEqual(cpusetCpus(parent!));
    } finally {
      child.kill();
    }
  });

  it('hands a process back to the group it came from (a daemon the user placed), not to ours', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const theirs = path.join(parent!, `users-own-${process.pid}`);
    try {
      await new Promise((r) => child.once('spawn', r));
      mkdirSync(theirs);
      writeFileSync(path.join(theirs, 'cpuset.mems'), readFileSync(path.join(parent!, 'cpuset.effective_mems'), 'utf8').trim());
      writeFileSync(path.join(theirs, 'cpuset.cpus'), String(cpus![1]));
      writeFileSync(path.join(theirs, 'cgroup.procs'), String(child.pid));
      const group = CpusetGroup.create(parent!, 'origin', cpus![0])!;
      expect(group.adopt([child.pid!])).toBe(true);
      expect(cpusAllowed(child.pid!)).toEqual([cpus![0]]);
      group.remove();
      expect(readFileSync(path.join(theirs, 'cgroup.procs'), 'utf8').split('\n')).toContain(String(child.pid));
      expect(cpusAllowed(child.pid!)).toEqual([cpus![1]]);
    } finally {
      child.kill();
      await new Promise((r) => child.once('exit', r));
      rmdirSync(theirs);
    }
  });

  it('removes groups left by a run whose harness is gone, and keeps a live run\'s', () => {
    const dead = spawnSyncPid();
    const stale = path.join(parent!, `overbench-${dead}-baseline`);
    const ours = path.join(parent!, `overbench-${process.pid}-keep`);
    for (const dir of [stale, ours]) mkdirSync(dir);
    try {
      expect(removeStaleGroups(parent!)).toEqual([`overbench-${dead}-baseline`]);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(ours)).toBe(true);
    } finally {
      CpusetGroup.create(parent!, 'keep', cpus![0])?.remove();
    }
  });
});

/** A pid that has certainly ended: a process that ran and was reaped. */
function spawnSyncPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}
