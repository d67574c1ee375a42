/**
 * The one reader of Linux's /proc: liveness, /proc/PID/stat, per-thread CPU, RSS, the process tree
 * and the few text files the process-tying code and the leak tests look at. Every reader answers
 * null, 0 or [] for a process that is gone (it may end between a listing and a read) or off Linux.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The fields of /proc/PID/stat that overbench reads; times in clock ticks. */
export interface ProcStat {
  /** R, S, D, Z (zombie), T... */
  state: string;
  ppid: number;
  /** User and system CPU time (fields 14, 15). */
  utime: number;
  stime: number;
  /** When the process started, in ticks since boot (field 22): tells a pid from its reuse. */
  starttime: number;
}

/** Clock ticks per second of the stat times (USER_HZ, 100 on every Linux build). */
export const TICKS_PER_SEC = 100;

/** null when there is no such process. */
function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export function readStat(pid: number): ProcStat | null {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // comm (field 2) may hold spaces and parentheses: the fields that follow start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: f[0], ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), starttime: Number(f[19]) };
}

/** True while pid exists and is not a zombie (a zombie is dead, only not reaped yet). */
export function alive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z';
}

/** User+system CPU of one process in microseconds, at clock-tick (10 ms) resolution; null when gone. */
export function cpuTimeUs(pid: number): number | null {
  const stat = readStat(pid);
  return stat === null ? null : ((stat.utime + stat.stime) * 1_000_000) / TICKS_PER_SEC;
}

/** Thread ids of a process; [] once it is gone. */
export function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
}

/** Nanoseconds one thread has spent on a CPU (/proc/PID/task/TID/schedstat, first field); null when gone. */
export function threadCpuNs(pid: number, tid: number): number | null {
  const schedstat = read(`/proc/${pid}/task/${tid}/schedstat`);
  return schedstat === null ? null : Number(schedstat.split(' ')[0]);
}

/** VmRSS of one process in bytes; 0 when gone (or a kernel thread). */
export function readRssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(read(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) * 1024 : 0;
}

/** Sum of RSS over processes (shared pages counted per process, as `ps` does). */
export function rssBytesOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + readRssBytes(pid), 0);
}

/** Sum of RSS over the process and its descendants. */
export function treeRssBytes(root: number): number {
  return rssBytesOf(processTree(root));
}

/** Every pid in /proc right now. */
export function allPids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** The command line as argv; null when gone. */
export function readCmdline(pid: number): string[] | null {
  const argv = read(`/proc/${pid}/cmdline`)?.split('\0');
  // NUL-terminated, except where a process rewrote its title (redis-server does).
  if (argv?.at(-1) === '') argv.pop();
  return argv ?? null;
}

/** The environment as NAME=value entries; null when gone or not ours to read. */
export function readEnviron(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
  } catch {
    return null;
  }
}

/** The working directory; null when gone or not ours to read. */
export function readCwd(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/** Kernels without CONFIG_PROC_CHILDREN lack task/TID/children: then every stat's ppid is scanned. */
const hasChildrenFiles = read(`/proc/${process.pid}/task/${process.pid}/children`) !== null;

function childrenOf(pid: number): number[] {
  if (!hasChildrenFiles) return allPids().filter((p) => readStat(p)?.ppid === pid);
  const out: number[] = [];
  for (const tid of threadsOf(pid)) {
    for (const c of (read(`/proc/${pid}/task/${tid}/children`) ?? '').split(' ')) if (c.trim()) out.push(Number(c));
  }
  return out;
}

/**
 * The process and all its descendants, root first; [] when it is gone. A spawn target may be a
 * shell or an npm wrapper around the real server, so the whole tree is what gets measured.
 * Bounded against pid reuse loops.
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

/** Expands a CPU list as the kernel writes it ("0-2,5") into CPU numbers; [] for "". */
export function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.trim().split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    for (let c = a; c <= (b ?? a); c++) out.push(c);
  }
  return out;
}

/**
 * The CPUs a thread may run on (Cpus_allowed_list of /proc/PID/task/TID/status; the process's main
 * thread when `tid` is omitted); null when gone or off Linux.
 */
export function cpusAllowed(pid: number, tid = pid): number[] | null {
  const m = /^Cpus_allowed_list:\s*(\S*)/m.exec(read(`/proc/${pid}/task/${tid}/status`) ?? '');
  return m ? parseCpuList(m[1]) : null;
}
