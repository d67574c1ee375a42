/**
 * common/orphan.ts with real processes: a parent (a plain node process) starts a child that calls
 * stopWithParent(), directly or through a `sh -c` wrapper (as npx does); the parent is SIGKILLed.
 * The child must run its SIGTERM handler and exit; while its parent lives it must stay up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { alive } from './proc.ts';
import { gone } from './testing/procs.ts';
import { tsxExecArgv } from './tsx.ts';

const ORPHAN = new URL('./orphan.ts', import.meta.url).href;

/** The watched child: prints "ready PID", on SIGTERM prints "stopping PID" and exits. */
const CHILD = `
const { stopWithParent } = await import(${JSON.stringify(ORPHAN)});
process.on('SIGTERM', () => { process.stdout.write('stopping ' + process.pid + '\\n'); setTimeout(() => process.exit(0), 20); });
stopWithParent(100);
process.stdout.write('ready ' + process.pid + '\\n');
setInterval(() => {}, 1000);
`;

const spawned = new Set<number>();

/**
 * A parent that starts the child (through `sh -c` when `viaShell`) with our stdout, so the child's
 * lines reach us even after the parent is gone. Resolves once the child is ready.
 */
async function start(viaShell: boolean): Promise<{ parent: ChildProcess; child: number; lines: () => string }> {
  const childArgv = [process.execPath, ...tsxExecArgv('--input-type=module', '-e', CHILD)];
  const quoted = childArgv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // `; exit $?` keeps the shell alive between its parent and the child (no exec of the last command).
  const [cmd, ...args] = viaShell ? ['sh', '-c', `${quoted}; exit $?`] : childArgv;
  const parentScript = `require('node:child_process').spawn(${JSON.stringify(cmd)}, ${JSON.stringify(args)}, { stdio: 'inherit' }); setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
  spawned.add(parent.pid!);
  let out = '';
  parent.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!/ready (\d+)/.test(out)) {
    if (Date.now() > deadline) throw new Error(`child not ready: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const child = Number(/ready (\d+)/.exec(out)![1]);
  spawned.add(child);
  return { parent, child, lines: () => out };
}

afterAll(() => {
  for (const pid of spawned) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

describe.concurrent('stopWithParent', () => {
  for (const viaShell of [false, true]) {
    const how = viaShell ? 'through a sh -c wrapper' : 'as a direct child';
    it(`${how}: stays up while the parent lives, runs its SIGTERM shutdown when the parent is SIGKILLed`, async () => {
      const { parent, child, lines } = await start(viaShell);
      await new Promise((r) => setTimeout(r, 600));
      expect(alive(child)).toBe(true);
      expect(lines()).not.toContain('stopping');
      parent.kill('SIGKILL');
      expect(await gone(child, 5000)).toBe(true);
      expect(lines()).toContain(`stopping ${child}`);
    }, 30_000);
  }
});
