// The ready line's type only: daemon/testing's spawn helper does not fit the harness (its children
// must be process-group leaders in children.ts's registry and keep the world the user points them at).
import type { ReadyLine } from '../../daemon/testing/spawn-daemon.ts';
import { describeTail } from '../../common/child-process/output.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { UsageError } from '../../common/exit-codes.ts';
import { REPO_ROOT } from '../../common/tsx.ts';
import { referenceDaemonArgv } from './reference-daemon-argv.ts';
import { spawnTracked } from './children.ts';
import type { FakesEndpoints } from './fakes-process.ts';
import { waitForHandshake } from './ready.ts';
import { FAKE_KEY } from './world-env.ts';
import type { RunningTarget } from './types.ts';

/** Daemon env that points it at the fakes; the GLM/Kimi base paths are the ones the provider fake serves. */
export function worldEnv(fakes: FakesEndpoints): Record<string, string> {
  return {
    REDIS_URL: fakes.redis,
    SUPABASE_URL: fakes.supabase,
    SUPABASE_KEY: FAKE_KEY,
    GLM_API_URL: `${fakes.provider}/api/paas/v4`,
    GLM_API_KEY: FAKE_KEY,
    KIMI_API_URL: `${fakes.provider}/v1`,
    KIMI_API_KEY: FAKE_KEY,
  };
}

/**
 * What a reference daemon (or each instance of a cluster) is started with: the fakes' endpoints,
 * then the scenario's and the variant's env (which win: a user may point a variant at a real
 * Redis), then loopback on ephemeral ports.
 */
export function referenceDaemonEnv(fakes: FakesEndpoints | null, own: Record<string, string>): Record<string, string> {
  return {
    ...(fakes ? worldEnv(fakes) : {}),
    ...own,
    EXAI_WS_HOST: '127.0.0.1',
    EXAI_WS_PORT: '0',
    EXAI_MONITORING_HOST: '127.0.0.1',
    EXAI_MONITORING_PORT: '0',
    // Off unless the scenario or variant asks for it (dashboard viewers); then on a free port, so
    // parallel variants and instances never collide on 8080.
    EXAI_DASHBOARD_PORT: own.EXAI_DASHBOARD_PORT === undefined || own.EXAI_DASHBOARD_PORT === 'off' ? 'off' : '0',
  };
}

/**
 * The reference daemon (no target): `node <REFERENCE_DAEMON_V8_FLAGS> --import tsx daemon/main.ts`
 * (reference-daemon-argv.ts says why) on ephemeral ports, the
 * fakes' endpoints, then the scenario's and the variant's env (which win: a user may point a
 * variant at a real Redis). Ready = its ready line, then a successful hello.
 */
export async function startReferenceDaemon(opts: {
  label: string;
  env: Record<string, string>;
  fakes: FakesEndpoints | null;
  token?: string;
  readyTimeoutMs?: number;
  /** V8's --random-seed (reference-daemon-argv.ts). */
  v8Seed?: number;
}): Promise<RunningTarget> {
  const env = referenceDaemonEnv(opts.fakes, opts.env);
  const name = `${opts.label} reference daemon (METRICS_BACKEND=${env.METRICS_BACKEND ?? 'default'})`;
  const proc = spawnTracked(process.execPath, referenceDaemonArgv(opts.v8Seed), {
    name,
    env: { ...process.env, PORT: undefined, ...env },
    cwd: REPO_ROOT,
  });
  const outcome = await readyLine<ReadyLine>(proc, (v) => v.event === 'ready', opts.readyTimeoutMs ?? 60_000);
  const url = `ws://127.0.0.1:${outcome.wsPort}`;
  const notReady = await waitForHandshake({ url, protocol: 'exai', token: opts.token ?? env.EXAI_WS_TOKEN, timeoutMs: 15_000, gone: () => proc.exitReason() });
  if (notReady) {
    await proc.stop();
    throw new UsageError(`${name} on ${url}: ${notReady}${describeTail(proc.stderr)}`);
  }
  return {
    target: 'reference',
    url,
    // Our own child: its tree is what we measure (the ready line's pid is the same process).
    pid: proc.pid,
    monitoringUrl: `http://127.0.0.1:${outcome.monitoringPort}`,
    dashboardUrl: typeof outcome.dashboardPort === 'number' ? `http://127.0.0.1:${outcome.dashboardPort}` : null,
    backend: outcome.backend,
    env,
    died: proc.died,
    stop: () => proc.stop(),
  };
}
