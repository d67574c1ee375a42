/** Process-table queries for tests that must prove no process was left behind (Linux only). */
import { allPids, alive, processTree, readCmdline, readCwd, readEnviron } from '../proc.ts';

/** Wait up to `ms` for pid to go away; returns whether it did. */
export async function gone(pid: number, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** The command line as one string, '' when gone. */
const commandLine = (pid: number): string => readCmdline(pid)?.join(' ') ?? '';

/** Live processes whose command line contains every one of `parts`. */
export function processesMatching(...parts: string[]): number[] {
  return allPids().filter((pid) => {
    const cmd = commandLine(pid);
    return parts.every((p) => cmd.includes(p)) && alive(pid);
  });
}

/** All live descendants of pid (children, grandchildren, ...). */
export function descendants(pid: number): number[] {
  return processTree(pid).slice(1).filter(alive);
}

/**
 * Live processes whose environment holds `NAME=value`. Children inherit the environment, even
 * daemons that left our process tree (a double-forking server), so a unique marker set on a spawned
 * process finds everything it started.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  return allPids().filter((pid) => readEnviron(pid)?.includes(needle) && alive(pid));
}

/** pids whose command line or working directory mentions `dir` (postgres children chdir into data/). */
export function processesUsing(dir: string): number[] {
  return allPids().filter((pid) => {
    const cmd = readCmdline(pid);
    return cmd !== null && (cmd.join(' ').includes(dir) || (readCwd(pid) ?? '').startsWith(dir));
  });
}

/** What `list()` still returns after waiting up to `ms` for it to become empty (polled every 50 ms). */
export async function leftAfter(list: () => number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = list();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = list();
  }
  return left;
}
