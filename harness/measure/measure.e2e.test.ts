import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { processTree, readRssBytes, treeRssBytes } from '../../common/proc.ts';
import { cpuBetween, sampleTreeCpu } from './cpu.ts';
import { startWindowMeter } from './window-meter.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.pid) try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ }
});

/** A process group we can kill whole: a shell with the given script. */
function sh(script: string): ChildProcess {
  const c = spawn('sh', ['-c', script], { stdio: 'ignore', detached: true });
  children.push(c);
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitTree(pid: number, size: number): Promise<number[]> {
  for (let i = 0; i < 100; i++) {
    const tree = processTree(pid);
    if (tree.length >= size) return tree;
    await sleep(20);
  }
  throw new Error(`tree of ${pid} never reached ${size} processes`);
}

describe('process-tree CPU (schedstat)', () => {
  it('a busy child uses far more CPU than an idle one over the same window', async () => {
    const busy = sh(`exec ${process.execPath} -e "for(;;){}"`);
    const idle = sh('exec sleep 30');
    await sleep(100);
    const b0 = sampleTreeCpu(busy.pid!);
    const i0 = sampleTreeCpu(idle.pid!);
    await sleep(800);
    const b = cpuBetween(b0, sampleTreeCpu(busy.pid!));
    const i = cpuBetween(i0, sampleTreeCpu(idle.pid!));
    const busyUs = b.user + b.system;
    const idleUs = i.user + i.system;
    // 800 ms of wall time on a shared, loaded 2-core box: the spinner still gets a few percent of a core.
    expect(busyUs).toBeGreaterThan(20_000);
    expect(idleUs).toBeLessThan(5_000);
    expect(busyUs).toBeGreaterThan(20 * idleUs);
    // A pure spinner is user time.
    expect(b.user).toBeGreaterThan(b.system);
  });

  it('sums the whole tree: grandchildren of a shell wrapper count', async () => {
    // shell -> sh -> node spinner: the spinner is a grandchild of the root.
    const root = sh(`sh -c '${process.execPath} -e "for(;;){}"'; sleep 30`);
    const tree = await waitTree(root.pid!, 3);
    expect(tree[0]).toBe(root.pid);
    const meter = startWindowMeter(root.pid!);
    await sleep(800);
    const { cpuUs, rssBytes } = meter.end();
    expect(cpuUs.user + cpuUs.system).toBeGreaterThan(20_000);
    // RSS of the tree includes node's ~40 MB, far more than the shell's own.
    expect(treeRssBytes(root.pid!)).toBeGreaterThan(10 * 1024 * 1024);
    expect(rssBytes).toBeGreaterThan(readRssBytes(root.pid!) + 10 * 1024 * 1024);
  });

  it('a gone process reads as an empty tree, not an error', () => {
    expect(processTree(999_999_999)).toEqual([]);
    expect(treeRssBytes(999_999_999)).toBe(0);
  });
});
