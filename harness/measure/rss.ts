import { readFileSync } from 'node:fs';
import { processTree } from './proc-tree.ts';

/** VmRSS of one process in bytes; 0 when gone (or a kernel thread). */
export function readRssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Sum of RSS over the tree (shared pages counted per process, as `ps` does). */
export function treeRssBytes(root: number): number {
  return rssBytesOf(processTree(root));
}

export function rssBytesOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + readRssBytes(pid), 0);
}
