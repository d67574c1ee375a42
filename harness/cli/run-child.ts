import { spawn } from 'node:child_process';
import { tsxArgs } from '../../common/tsx.ts';

/**
 * Run one of this repo's entry points (daemon/main.ts, fakes/main.ts) as a child with our stdio,
 * forwarding SIGINT/SIGTERM to it and returning its exit code. A child rather than an import:
 * those programs own their process (signal handlers, process.exit). It leads its own process group,
 * so a Ctrl-C to ours reaches it once (forwarded), not twice (a second signal means "now" to the
 * daemon); if we are killed outright it notices our death itself (common/orphan.ts).
 */
export function runRepoProgram(relFile: string, argv: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, tsxArgs(relFile, argv), { stdio: 'inherit', detached: true });
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const done = (code: number) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code);
    };
    child.once('error', (e) => {
      process.stderr.write(`overbench: cannot start ${relFile}: ${e.message}\n`);
      done(2);
    });
    child.once('exit', (code, signal) => done(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)));
  });
}
