/** Linux /proc check shared by the process-tying code and the tests that prove nothing was left behind. */
import { readFileSync } from 'node:fs';

/** True while pid exists and is not a zombie (a zombie is dead, only not reaped yet). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
