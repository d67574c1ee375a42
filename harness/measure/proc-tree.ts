import { readdirSync, readFileSync } from 'node:fs';

/** Thread ids of a process; [] once it is gone. */
export function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
}

/** Kernels without CONFIG_PROC_CHILDREN lack task/TID/children: then scan every /proc/PID/stat. */
const hasChildrenFiles = (() => {
  try {
    readFileSync(`/proc/${process.pid}/task/${process.pid}/children`);
    return true;
  } catch {
    return false;
  }
})();

function childrenOf(pid: number): number[] {
  if (!hasChildrenFiles) return childrenByScan(pid);
  const out: number[] = [];
  for (const tid of threadsOf(pid)) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

function childrenByScan(parent: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(name));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return out;
}

/**
 * The process and all its descendants, root first. A spawn target may be a shell or an npm
 * wrapper around the real server, so the whole tree is the target. Bounded against pid reuse loops.
 */
export function processTree(root: number): number[] {
  const seen = new Set<number>();
  const queue = [root];
  while (queue.length > 0 && seen.size < 10_000) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    if (threadsOf(pid).length === 0) continue;
    seen.add(pid);
    queue.push(...childrenOf(pid));
  }
  return [...seen];
}
