import { ExitCode, UsageError } from '../../common/exit-codes.ts';
import { redactProcessOutput } from '../../common/redact.ts';
import { alignRows } from '../../common/table.ts';

/** Each subcommand module exports `run(argv): Promise<exit code>`; loaded lazily so `--help` is instant. */
type Command = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> };

const commands: Record<string, Command> = {
  realistic: { summary: 'run realistic scenarios: baseline vs instrumented over WebSocket', load: () => import('./realistic.ts') },
  tight: { summary: 'per-operation cost of each metrics backend and of the hot path', load: () => import('./tight.ts') },
  calibrate: { summary: 'what this machine can tell apart: A/A, injected overhead, minimum detectable effect', load: () => import('./calibrate.ts') },
  gate: { summary: 'the CI gate: ci profile of tight and realistic; exit code is the verdict', load: () => import('./gate.ts') },
  report: { summary: 'render a result.json as HTML, JUnit and Markdown', load: () => import('./report.ts') },
  compare: { summary: 'compare two result files', load: () => import('./compare.ts') },
  faults: { summary: 'fault scenarios: provider 429s and timeouts, Redis outage, Supabase 5xx, reconnect storm, slow consumers', load: () => import('./faults.ts') },
  ingest: { summary: 'turn k6 or autocannon output into result rounds of a variant', load: () => import('./ingest.ts') },
  findings: { summary: 'a decision memo (Markdown and HTML) from the newest tight, realistic and calibration results', load: () => import('./findings.ts') },
  daemon: { summary: 'start the reference daemon', load: () => import('./daemon.ts') },
  fakes: { summary: 'start the fake world (provider, Supabase, Redis)', load: () => import('./fakes.ts') },
};

function usage(): string {
  const lines = alignRows(Object.entries(commands).map(([name, c]) => [name, c.summary]), [], '  ');
  return `usage: overbench <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  // Every log line of every command goes through the secrets redactor (common/redact.ts).
  redactProcessOutput();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? ExitCode.Pass : ExitCode.BadInput;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`overbench: unknown command "${name}" (expected one of: ${Object.keys(commands).join(', ')})\n`);
    return ExitCode.BadInput;
  }
  try {
    return await (await command.load()).run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`overbench ${name}: ${err.message}\n`);
      return ExitCode.BadInput;
    }
    throw err;
  }
}
