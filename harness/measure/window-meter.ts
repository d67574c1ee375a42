import { processTree, rssBytesOf } from '../../common/proc.ts';
import { cpuBetween, sampleCpu, sampleTreeCpu, type CpuSample } from './cpu.ts';

/** Start-of-window reading of a target's process tree; `end()` gives what the window cost. */
export interface WindowMeter {
  end(): { cpuUs: { user: number; system: number }; rssBytes: number };
}

export function startWindowMeter(pid: number): WindowMeter {
  const before: CpuSample = sampleTreeCpu(pid);
  return {
    end() {
      // One walk of the tree (reads under /proc) serves both readings.
      const pids = processTree(pid);
      return { cpuUs: cpuBetween(before, sampleCpu(pids)), rssBytes: rssBytesOf(pids) };
    },
  };
}
