import { execFile } from 'node:child_process';
import { findOnPath } from '../../common/binaries.ts';
import { alive, cpusAllowed, processTree } from '../../common/proc.ts';

/**
 * How a duet's processes were placed: in cpuset groups whose cores alternate (harness/targets/cpuset.ts),
 * pinned to a core each with taskset, or left to the scheduler.
 */
export type Pinning = 'cpuset' | 'taskset' | 'none';

/** taskset (util-linux) on PATH or in /usr/bin, /bin; undefined where it is not installed. */
export function findTaskset(): string | undefined {
  return findOnPath('taskset', `${process.env.PATH ?? ''}:/usr/bin:/bin`);
}

/** The CPUs this process may run on (what the whole run has to share); null off Linux. */
export function ourCpus(): number[] | null {
  return cpusAllowed(process.pid);
}

/** The two CPUs a duet pins to: the first two this process may use; null with fewer than two. */
export function duetCpus(cpus: readonly number[] | null = ourCpus()): [number, number] | null {
  return cpus && cpus.length >= 2 ? [cpus[0], cpus[1]] : null;
}

function taskset(bin: string, cpus: readonly number[], pid: number): Promise<boolean> {
  return new Promise((resolve) => {
    // -a: every thread of the process, not only its main one.
    execFile(bin, ['-a', '-p', '-c', cpus.join(','), String(pid)], { timeout: 5000 }, (err) => resolve(err === null));
  });
}

/**
 * Pin every thread of every process in the trees rooted at `roots` (a target's shell and its
 * server, a driver) to `cpus`. Threads and children born later inherit the affinity of their
 * parent. Resolves false when taskset failed on a process that is still alive (one that ended
 * between the listing and the call is no failure).
 */
export async function pinTrees(roots: readonly number[], cpus: readonly number[], bin = findTaskset()): Promise<boolean> {
  if (!bin) return false;
  const pids = [...new Set(roots.flatMap((r) => processTree(r)))];
  const ok = await Promise.all(pids.map(async (pid) => (await taskset(bin, cpus, pid)) || !alive(pid)));
  return ok.every(Boolean);
}
