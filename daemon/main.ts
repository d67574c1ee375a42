/**
 * `npm run daemon`: the reference EXAI daemon. Config from the environment (a bad value exits 2
 * naming the variable), one JSON "ready" line on stdout, graceful stop on SIGTERM/SIGINT.
 */
import { parseConfig, ConfigError } from './config.ts';
import { startDaemon } from './app.ts';
import { ExitCode } from '../harness/cli/exit-codes.ts';

async function main(): Promise<number> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return ExitCode.BadInput;
    }
    throw err;
  }
  let daemon;
  try {
    daemon = await startDaemon(config);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      process.stderr.write(`daemon: cannot listen (${e.code}): ${e.message}; check EXAI_WS_HOST/EXAI_WS_PORT/EXAI_MONITORING_PORT\n`);
      return ExitCode.BadInput;
    }
    throw err;
  }
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', pid: process.pid, host: daemon.host, wsPort: daemon.wsPort, monitoringPort: daemon.monitoringPort, backend: daemon.metrics.name })}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  // A second signal while closing means "now".
  const force = () => process.exit(ExitCode.Fail);
  process.once('SIGTERM', force);
  process.once('SIGINT', force);
  await daemon.close();
  return ExitCode.Pass;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`daemon: fatal: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(ExitCode.Fail);
  },
);
