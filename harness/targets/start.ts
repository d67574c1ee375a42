import { UsageError } from '../../common/exit-codes.ts';
import { countersFor } from '../measure/message-counters.ts';
import type { ScenarioExactness } from '../scenario/schema.ts';
import type { FakesEndpoints } from './fakes-process.ts';
import { expandEnv, expandPlaceholders, type PlaceholderValues } from './placeholders.ts';
import type { VariantPorts } from './ports.ts';
import { overbenchWorldEnv, worldPlaceholders } from './world-env.ts';
import type { Protocol } from './ready.ts';
import { startReferenceDaemon } from './reference-daemon.ts';
import { startSpawnTarget } from './spawn-target.ts';
import type { RunningTarget } from './types.ts';
import { connectUrlTarget } from './url-target.ts';
import { setMonitoringToken } from '../measure/daemon-monitor.ts';

/** A variant's target, as written on the command line or in a scenario. */
export type TargetSpec =
  | { kind: 'reference' }
  | { kind: 'spawn'; command: string }
  | { kind: 'url'; url: string; pid?: number };

export function parseTargetSpec(text: string | undefined, pid?: number): TargetSpec {
  if (text === undefined || text === '' || text === 'reference') {
    if (pid !== undefined) throw new UsageError(`a pid (${pid}) is only meaningful with a "url:" target`);
    return { kind: 'reference' };
  }
  if (text.startsWith('spawn:')) {
    const command = text.slice('spawn:'.length).trim();
    if (!command) throw new UsageError(`target "${text}": empty command after "spawn:"`);
    if (pid !== undefined) throw new UsageError(`target "${text}": a pid is only meaningful with a "url:" target`);
    return { kind: 'spawn', command };
  }
  if (text.startsWith('url:')) {
    const url = text.slice('url:'.length).trim();
    if (!/^wss?:\/\/[^/\s]+/.test(url)) throw new UsageError(`target "${text}": expected url:ws://host:port`);
    return { kind: 'url', url, pid };
  }
  throw new UsageError(`target "${text}": expected "spawn:CMD ARGS", "url:ws://host:port" or nothing (the reference daemon)`);
}

export interface StartTargetOptions {
  label: 'baseline' | 'instrumented';
  spec: TargetSpec;
  /** Scenario env then variant env, already merged. */
  env: Record<string, string>;
  protocol: Protocol;
  fakes: FakesEndpoints | null;
  /** How long a spawned target may take to answer a handshake (default 30 s; reference daemon 60 s). */
  readyTimeoutMs?: number;
  /** A spawned target's WebSocket port and the scenario's named ports (ports.ts); default: a free WebSocket port. */
  ports?: VariantPorts;
  /** The scenario file's folder: `{dir}`. */
  dir?: string;
  /**
   * Where the target's own message counters live (the scenario's `exactness`), placeholders
   * unexpanded. Not for the reference daemon, whose /metrics.json is known.
   */
  exactness?: ScenarioExactness;
  /** The reference daemon's V8 --random-seed (reference-daemon-argv.ts); other targets run as they are. */
  v8Seed?: number;
}

/**
 * Start (or connect to) a variant's target. With a world running, a spawned target gets its
 * endpoints as OVERBENCH_* env vars and as `{provider}`, `{supabase}`, `{redis}`; the scenario's
 * named ports are `{port:NAME}` (placeholders.ts). The variant's own env wins over the world's.
 */
export async function startTarget(o: StartTargetOptions): Promise<RunningTarget> {
  const values: PlaceholderValues = {
    port: o.spec.kind === 'spawn' ? o.ports?.ws : undefined,
    ports: o.spec.kind === 'url' ? {} : (o.ports?.named ?? {}),
    world: o.fakes ? worldPlaceholders(o.fakes) : null,
    dir: o.dir,
  };
  const t = await launch(o, values);
  if (o.exactness === undefined || o.spec.kind === 'reference') return t;
  const url = /^wss?:\/\/[^/:]+:(\d+)/.exec(t.url);
  const at = { ...values, port: url ? Number(url[1]) : undefined };
  const src = o.exactness;
  const expand = (u: string) => expandPlaceholders(u, at, `${o.label} exactness url`);
  const counters = countersFor(src.prometheus ? { prometheus: { ...src.prometheus, url: expand(src.prometheus.url) } } : { json: { ...src.json!, url: expand(src.json!.url) } });
  return { ...t, counters };
}

function launch(o: StartTargetOptions, values: PlaceholderValues): Promise<RunningTarget> {
  const token = o.env.EXAI_WS_TOKEN ?? process.env.EXAI_WS_TOKEN;
  switch (o.spec.kind) {
    case 'reference':
      if (o.protocol !== 'exai') throw new UsageError(`${o.label}: the reference daemon speaks exai, not ${o.protocol}; give a target`);
      // Its monitoring port wants the same token as a bearer header (daemon/monitoring/auth.ts).
      // A world whose Supabase checks its key (--world compose: compose-world.ts) hands the daemon that key.
      return startReferenceDaemon({ label: o.label, env: expandEnv(o.fakes?.supabaseKey ? { SUPABASE_KEY: o.fakes.supabaseKey, ...o.env } : o.env, values, o.label), fakes: o.fakes, token, readyTimeoutMs: o.readyTimeoutMs, v8Seed: o.v8Seed }).then((t) => {
        if (token && t.monitoringUrl) setMonitoringToken(t.monitoringUrl, token);
        return t;
      });
    case 'spawn':
      return startSpawnTarget({
        label: o.label,
        command: o.spec.command,
        env: { ...(o.fakes ? overbenchWorldEnv(o.fakes) : {}), ...o.env },
        protocol: o.protocol,
        token,
        readyTimeoutMs: o.readyTimeoutMs,
        port: values.port,
        placeholders: values,
      });
    case 'url':
      return connectUrlTarget({ label: o.label, url: o.spec.url, pid: o.spec.pid, protocol: o.protocol, token });
  }
}
