/** /proc helpers for tests that must prove no process was left behind (Linux only). */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { alive } from '../alive.ts';

export { alive };

/** Wait up to `ms` for pid to go away; returns whether it did. */
export async function gone(pid: number, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Live processes whose command line contains every one of `parts`. */
export function processesMatching(...parts: string[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (parts.every((p) => cmd.includes(p)) && alive(Number(entry))) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** All live descendants of pid (children, grandchildren, ...). */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

/**
 * Live processes whose environment holds `NAME=value`. Children inherit the environment, even
 * daemons that left our process tree (a double-forking server), so a unique marker set on a spawned
 * process finds everything it started.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (env.includes(needle) && alive(Number(entry))) out.push(Number(entry));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return out;
}

/** pids whose command line or working directory mentions `dir` (postgres children chdir into data/). */
export function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // not ours to read
      }
      if (cmdline.includes(dir) || cwd.startsWith(dir)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
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
