import { UsageError } from '../../common/exit-codes.ts';
import { freePort } from '../../common/free-port.ts';
import { describeTail } from '../../common/child-process/output.ts';
import { spawnTracked } from './children.ts';
import { expandEnv, expandPlaceholders, type PlaceholderValues } from './placeholders.ts';
import { waitForHandshake, type Protocol } from './ready.ts';
import type { RunningTarget } from './types.ts';

export interface SpawnTargetOptions {
  /** The command line after `spawn:`; its placeholders are replaced (placeholders.ts). Run by the shell. */
  command: string;
  /** Added to the inherited env (scenario env, then variant env); placeholders in values are replaced. */
  env: Record<string, string>;
  /** The WebSocket port (default: a free one). */
  port?: number;
  /** Values of the other placeholders: named ports, the world's endpoints, the scenario's folder. */
  placeholders?: Omit<PlaceholderValues, 'port'>;
  protocol: Protocol;
  token?: string;
  label: string;
  readyTimeoutMs?: number;
}

/**
 * `spawn:CMD`: the harness picks a free loopback port and hands it over three ways ({port} in the
 * command, PORT and EXAI_WS_PORT in the env), then waits until a handshake succeeds.
 */
export async function startSpawnTarget(opts: SpawnTargetOptions): Promise<RunningTarget> {
  const port = opts.port ?? (await freePort());
  const values: PlaceholderValues = { ports: {}, world: null, ...opts.placeholders, port };
  const command = expandPlaceholders(opts.command, values, `${opts.label} target`);
  const env = { ...expandEnv(opts.env, values, opts.label), PORT: String(port), EXAI_WS_PORT: String(port) };
  const proc = spawnTracked(command, [], { name: `${opts.label} target "${command}"`, env: { ...process.env, ...env }, shell: true });
  const url = `ws://127.0.0.1:${port}`;
  const notReady = await waitForHandshake({
    url,
    protocol: opts.protocol,
    token: opts.token,
    timeoutMs: opts.readyTimeoutMs ?? 30_000,
    gone: () => proc.exitReason(),
  });
  if (notReady) {
    const dead = proc.exitReason();
    await proc.stop();
    throw new UsageError(dead ?? `${opts.label} target "${command}" on ${url}: ${notReady}${describeTail(proc.stderr)}`);
  }
  return { target: `spawn:${opts.command}`, url, pid: proc.pid, monitoringUrl: null, env, died: proc.died, stop: () => proc.stop() };
}

