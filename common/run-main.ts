import { ExitCode, UsageError } from './exit-codes.ts';

/**
 * The entry of a program run as its own process (a bench, the daemon, the cluster launcher):
 * run `main`, exit with its code; a UsageError is one line and exit 2, anything else its stack
 * and exit 1. `name` prefixes the lines ("bench:flood: ...").
 */
export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError) {
        process.stderr.write(`${name}: ${err.message}\n`);
        process.exit(ExitCode.BadInput);
      }
      process.stderr.write(`${name}: fatal: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(ExitCode.Fail);
    },
  );
}
