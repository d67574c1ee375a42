import { cpuBetween, sampleTreeCpu, type CpuSample } from './cpu.ts';
import { treeRssBytes } from './rss.ts';

/** Start-of-window reading of a target's process tree; `end()` gives what the window cost. */
export interface WindowMeter {
  end(): { cpuUs: { user: number; system: number }; rssBytes: number };
}

export function startWindowMeter(pid: number): WindowMeter {
  const before: CpuSample = sampleTreeCpu(pid);
  return {
    end() {
      const cpuUs = cpuBetween(before, sampleTreeCpu(pid));
      return { cpuUs, rssBytes: treeRssBytes(pid) };
    },
  };
}
