import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, parseCpuList, processTree } from '../../common/proc.ts';

/**
 * cpuset cgroups (the v1 hierarchy), one per duet variant. Why not taskset: moving a group to
 * another CPU is one write to its `cpuset.cpus`, whatever its processes and threads, so a duet can
 * alternate its variants' cores every few milliseconds (harness/run/duet.ts says why it must),
 * where taskset costs a process spawn per pid. Children and threads born later stay in their
 * parent's group. Needs a writable cpuset hierarchy (root, as CI runs); where there is none
 * (cgroup v2 only, no permission) `cpusetHierarchy()` is null and the duet falls back to taskset.
 *
 * Groups are named `overbench-<harness pid>-<variant>` under this process's own cpuset group, so
 * a run killed hard leaves groups that the next run recognises as stale and removes.
 */

const PREFIX = 'overbench-';

/** Where the v1 cpuset hierarchy is mounted, or null. */
function cpusetMount(mounts = safeRead('/proc/mounts')): string | null {
  return (
    (mounts ?? '')
      .split('\n')
      .map((line) => line.split(' '))
      .find(([, , type, options]) => type === 'cgroup' && (options ?? '').split(',').includes('cpuset'))?.[1] ?? null
  );
}

/** A process's place in the cpuset hierarchy ("3:cpuset:/some/path" in /proc/PID/cgroup), or null. */
function cpusetPathIn(cgroups: string | null): string | null {
  return (
    (cgroups ?? '')
      .split('\n')
      .map((line) => line.split(':'))
      .find(([, controllers]) => (controllers ?? '').split(',').includes('cpuset'))?.[2] ?? null
  );
}

/** The directory of this process's own cpuset group, when the v1 cpuset hierarchy is mounted and writable. */
export function cpusetHierarchy(mounts = safeRead('/proc/mounts'), ownCgroups = safeRead('/proc/self/cgroup')): string | null {
  if (mounts === null || ownCgroups === null) return null;
  const mount = cpusetMount(mounts);
  const own = cpusetPathIn(ownCgroups);
  if (!mount || own === null) return null;
  const dir = path.join(mount, own);
  try {
    // Writable means we may create groups here: probe by creating and removing one.
    const probe = path.join(dir, `${PREFIX}${process.pid}-probe`);
    mkdirSync(probe);
    rmdirSync(probe);
    return dir;
  } catch {
    return null;
  }
}

/** One cpuset group holding one duet variant's processes. */
export class CpusetGroup {
  /** pid -> the group it was in before adopt(). */
  private readonly origins = new Map<number, string>();

  private constructor(
    readonly dir: string,
    private readonly parent: string,
  ) {}

  /** Create `<parent>/overbench-<pid>-<name>` on `cpu`; null when the kernel refuses. */
  static create(parent: string, name: string, cpu: number): CpusetGroup | null {
    const dir = path.join(parent, `${PREFIX}${process.pid}-${name}`);
    try {
      mkdirSync(dir, { recursive: false });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return null;
    }
    const group = new CpusetGroup(dir, parent);
    try {
      // A v1 group takes no process until it has memory nodes: the parent's.
      writeFileSync(path.join(dir, 'cpuset.mems'), readFileSync(path.join(parent, 'cpuset.effective_mems'), 'utf8').trim() || '0');
      group.setCpu(cpu);
      return group;
    } catch {
      group.remove();
      return null;
    }
  }

  /** Move every process of the trees rooted at `roots` (all their threads) into this group. False if a live one refused. */
  adopt(roots: readonly number[]): boolean {
    let ok = true;
    const mount = cpusetMount();
    for (const pid of new Set(roots.flatMap((r) => processTree(r)))) {
      // Where it came from, to hand it back there (a user's own daemon may live in a group of its own).
      const from = cpusetPathIn(safeRead(`/proc/${pid}/cgroup`));
      if (mount && from !== null && !this.origins.has(pid) && path.join(mount, from) !== this.dir) this.origins.set(pid, path.join(mount, from));
      try {
        writeFileSync(path.join(this.dir, 'cgroup.procs'), String(pid));
      } catch {
        if (alive(pid)) ok = false;
      }
    }
    return ok;
  }

  setCpu(cpu: number): void {
    writeFileSync(path.join(this.dir, 'cpuset.cpus'), String(cpu));
  }

  /** Hand the processes still inside back to the group each came from (else the parent), then delete the group. Never throws. */
  remove(): void {
    releaseGroup(this.dir, this.parent, this.origins);
  }
}

/** The harness pid a group of ours carries in its name (`overbench-<pid>-<variant>`); null for any other. */
export function groupOwner(name: string): number | null {
  const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
  return m ? Number(m[1]) : null;
}

/** Groups left by runs that died without cleaning up (their harness pid is gone): removed. */
export function removeStaleGroups(parent: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return removed;
  }
  for (const name of names) {
    const owner = groupOwner(name);
    if (owner === null || alive(owner)) continue;
    releaseGroup(path.join(parent, name), parent);
    removed.push(name);
  }
  return removed;
}

function releaseGroup(dir: string, parent: string, origins: ReadonlyMap<number, string> = new Map()): void {
  const pids = (safeRead(path.join(dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean);
  for (const pid of pids) {
    const back = origins.get(Number(pid));
    for (const to of back ? [back, parent] : [parent]) {
      try {
        writeFileSync(path.join(to, 'cgroup.procs'), pid);
        break;
      } catch {
        // Its group is gone, or the process is: try the parent, else nothing to hand back.
      }
    }
  }
  try {
    rmdirSync(dir);
  } catch {
    // Still busy (a process exiting): the next run's sweep removes it.
  }
}

/** The CPUs a cpuset group may use (its parent's effective set), for choosing the duet's two. */
export function cpusetCpus(parent: string): number[] | null {
  const list = safeRead(path.join(parent, 'cpuset.effective_cpus')) ?? safeRead(path.join(parent, 'cpuset.cpus'));
  return list === null ? null : parseCpuList(list.trim());
}

function safeRead(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
