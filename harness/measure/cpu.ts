import { processTree, readStat, threadCpuNs, threadsOf } from '../../common/proc.ts';

/**
 * CPU of a process tree. The amount comes from /proc/PID/task/TID/schedstat (nanoseconds on CPU,
 * per thread): /proc/PID/stat counts in clock ticks (10 ms), which over a 3 s window at ~30 us
 * per request is a ~3% quantisation error. schedstat has no user/system split, so the total is
 * split in the proportion of the utime/stime ticks that /proc/PID/stat gained over the same window
 * (an approximation of the split; the total is exact).
 */
export interface CpuSample {
  /** ns on CPU per thread id (threads are the unit schedstat reports). */
  threadNs: Map<number, number>;
  /** utime+stime ticks per pid (stat includes threads that have already ended). */
  ticks: Map<number, { user: number; system: number }>;
}

export function sampleCpu(pids: readonly number[]): CpuSample {
  const threadNs = new Map<number, number>();
  const ticks = new Map<number, { user: number; system: number }>();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) ticks.set(pid, { user: stat.utime, system: stat.stime });
    for (const tid of threadsOf(pid)) {
      const ns = threadCpuNs(pid, tid);
      if (ns !== null) threadNs.set(tid, ns);
    }
  }
  return { threadNs, ticks };
}

export function sampleTreeCpu(root: number): CpuSample {
  return sampleCpu(processTree(root));
}

/**
 * CPU used between two samples, in microseconds. Threads present at the end count from their
 * start value (0 if born during the window); threads that ended during the window are lost,
 * which only matters for short-lived helper threads and processes.
 */
export function cpuBetween(before: CpuSample, after: CpuSample): { user: number; system: number } {
  let ns = 0;
  for (const [tid, end] of after.threadNs) ns += Math.max(0, end - (before.threadNs.get(tid) ?? 0));
  let du = 0;
  let ds = 0;
  let cu = 0;
  let cs = 0;
  for (const [pid, end] of after.ticks) {
    const start = before.ticks.get(pid) ?? { user: 0, system: 0 };
    du += Math.max(0, end.user - start.user);
    ds += Math.max(0, end.system - start.system);
    cu += end.user;
    cs += end.system;
  }
  // Too short a window to gain a tick: fall back to the processes' lifetime proportion.
  const userShare = du + ds > 0 ? du / (du + ds) : cu + cs > 0 ? cu / (cu + cs) : 1;
  const us = ns / 1000;
  return { user: us * userShare, system: us * (1 - userShare) };
}
