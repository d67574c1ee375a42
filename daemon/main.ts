/**
 * `npm run daemon`: the reference EXAI daemon. Config from the environment (a bad value exits 2
 * naming the variable), one JSON "ready" line on stdout, graceful stop on SIGTERM/SIGINT and when
 * its parent dies (a killed harness or `npm run daemon` must not leave a daemon serving nobody).
 */
import { stopWithParent } from '../common/orphan.ts';
import { parseConfig, ConfigError } from './config.ts';
import { startDaemon } from './app.ts';
import { ExitCode } from '../common/exit-codes.ts';
import { CpuProfile } from './bench/cpu-profile.ts';

/**
 * `--cpu-profile FILE` (or `=FILE`): the daemon's one flag, the same as EXAI_CPU_PROFILE (the
 * flag wins). Undefined when absent; throws ConfigError when the file is missing.
 */
function cpuProfileFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--cpu-profile=')) return nonEmpty(a.slice('--cpu-profile='.length));
    if (a === '--cpu-profile') return nonEmpty(argv[i + 1]);
  }
  return undefined;
}

function nonEmpty(v: string | undefined): string {
  if (!v || v.startsWith('--')) throw new ConfigError(['--cpu-profile: expected a file to write the profile to']);
  return v;
}
import { redactProcessOutput } from '../common/redact.ts';
import { runMain } from '../common/run-main.ts';

async function main(): Promise<number> {
  // Before start-up ends, the parent's death exits at once (143); after, it is a graceful SIGTERM.
  stopWithParent();
  // No log line shows a secret of our env (a token, a key, a URL's password): common/redact.ts.
  redactProcessOutput();
  let config;
  try {
    config = parseConfig(process.env);
    config.cpuProfile = cpuProfileFlag(process.argv.slice(2)) ?? config.cpuProfile;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return ExitCode.BadInput;
    }
    throw err;
  }
  // From before start-up to after the graceful close: the whole run, written on shutdown.
  const profile = config.cpuProfile === null ? null : new CpuProfile();
  await profile?.start();
  let daemon;
  try {
    daemon = await startDaemon(config);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      process.stderr.write(`daemon: cannot listen (${e.code}): ${e.message}; check EXAI_WS_HOST/EXAI_WS_PORT/EXAI_MONITORING_PORT/EXAI_DASHBOARD_PORT (off disables the dashboard)\n`);
      return ExitCode.BadInput;
    }
    throw err;
  }
  // The first signal starts a graceful close; a second one means "now", unless it comes within a
  // second: that is the same stop (a Ctrl-C reaches the whole process group, and `npm run`
  // forwards it to us again). The listeners stay, so no repeat ever meets the default action.
  // They are in place before the ready line: a caller that signals as soon as it reads it must not
  // meet the default action either (a loaded machine can pause us between the two).
  const stopped = new Promise<void>((resolve) => {
    let stoppingSince = 0;
    const onSignal = () => {
      if (stoppingSince === 0) {
        stoppingSince = Date.now();
        resolve();
      } else if (Date.now() - stoppingSince >= 1000) {
        process.exit(ExitCode.Fail);
      }
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', pid: process.pid, host: daemon.host, wsPort: daemon.wsPort, monitoringPort: daemon.monitoringPort, dashboardPort: daemon.dashboardPort, backend: daemon.metrics.name })}\n`,
  );
  await stopped;
  await daemon.close();
  if (profile) process.stderr.write(`daemon: CPU profile written to ${await profile.stop(config.cpuProfile!)}\n`);
  return ExitCode.Pass;
}

runMain('daemon', main);
