/** Reading the one line a spawned test child prints when it is ready (its endpoints, pids, dirs). */
import type { ChildProcess } from 'node:child_process';

/** The child's first stdout line; rejects, quoting what it printed, if it exits before one. */
export function firstLine(child: ChildProcess, stderr: () => string = () => ''): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code} before its first line: ${out}${stderr()}`)));
  });
}
