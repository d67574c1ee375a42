import { fmtClock, fmtNs, fmtSeconds } from '../../common/format.ts';
import type { TightEvent } from '../tight/run.ts';

/**
 * `overbench tight`'s progress on stderr: what runs, then each task with its ns/op and the time
 * left, redrawn in place on a terminal (else every 25th task, the last and every error, one a line).
 */
export function tightProgress(err: NodeJS.WriteStream = process.stderr): (e: TightEvent) => void {
  const tty = err.isTTY;
  return (e) => {
    if (e.type === 'start') {
      err.write(`bench:tight profile ${e.profile}: ${e.rounds} rounds x ${e.workloads.length} workloads x ${e.backends.length} backends (${e.backends.join(', ')}), seed ${e.seed}\n`);
    } else if (e.type === 'task') {
      const eta = e.done > 0 ? ((e.elapsedMs / e.done) * (e.tasks - e.done)) / 1000 : 0;
      const line = `round ${e.round + 1} ${e.workload.padEnd(13)} ${e.backend.padEnd(7)} ${e.nsPerOp === null ? `error: ${e.error}` : `${fmtNs(e.nsPerOp)}/op`}  [${e.done}/${e.tasks}, ${fmtClock(e.elapsedMs / 1000)}, ~${fmtClock(eta)} left]`;
      if (tty) err.write(`\r\x1b[K${line}`);
      else if (e.error || e.done === e.tasks || e.done % 25 === 0) err.write(`${line}\n`);
    } else if (e.type === 'done') {
      err.write(`${tty ? '\r\x1b[K' : ''}done in ${fmtSeconds(e.elapsedMs / 1000)}\n`);
    }
  };
}

/**
 * The gate's tight half: one line redrawn on a terminal, nothing otherwise (in a CI log stderr
 * stays for errors; the realistic half has its run printer).
 */
export function tightProgressLine(err: NodeJS.WriteStream = process.stderr): (e: TightEvent) => void {
  return (e) => {
    if (!err.isTTY) return;
    if (e.type === 'task') err.write(`\r\x1b[2Kbench:tight (ci) ${e.done}/${e.tasks} ${e.workload} ${e.backend}`);
    if (e.type === 'done') err.write('\r\x1b[2K');
  };
}
