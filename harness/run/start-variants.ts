import path from 'node:path';
import { UsageError } from '../../common/exit-codes.ts';
import type { DriverConfig } from '../driver/messages.ts';
import type { Worlds } from '../targets/fakes-process.ts';
import { allocateVariantPorts } from '../targets/ports.ts';
import { startTarget } from '../targets/start.ts';
import type { RunningTarget } from '../targets/types.ts';
import type { DriverProcess } from '../driver/process.ts';
import type { VariantName } from './events.ts';
import { unservedExactness } from './exactness.ts';
import type { ScenarioPlan } from './plan.ts';
import { dashboardEnv, withViewers } from '../live/dashboard-viewers.ts';
import { startCluster } from '../targets/cluster.ts';
import { withHttpLoad } from '../http-load/monitoring-load.ts';

export const VARIANTS: readonly VariantName[] = ['baseline', 'instrumented'];

export function driverConfig(plan: ScenarioPlan, variant: VariantName, url: string, salt?: string): DriverConfig {
  const s = plan.scenario;
  return {
    url,
    protocol: s.protocol,
    token: plan.variants[variant].env.EXAI_WS_TOKEN ?? process.env.EXAI_WS_TOKEN,
    clients: s.clients,
    load: s.load,
    mix: s.mix,
    // The same seed for both variants: both see the same request sequence, which tightens the pairing.
    seed: plan.seed,
    // One salt for both when each has its own world: then they send the very same requests too.
    ...(salt !== undefined && { salt }),
    churn: s.churn,
    // Session ids are at most 64 characters (EXAI-PROTOCOL.md); the driver appends -idle-N.
    sessionPrefix: `ob-${s.name}-${variant === 'baseline' ? 'b' : 'i'}`.slice(0, 48),
    requestTimeoutMs: s.requestTimeoutSec * 1000,
    idleClients: s.idleClients,
    errorRules: s.errorRules,
  };
}

/**
 * Both targets at once (they are independent). Every one that came up is pushed to `started`
 * even when the other failed, so the caller stops it. `v8Seed`: both reference daemons get it.
 */
export async function startTargets(plan: ScenarioPlan, worlds: Worlds | null, started: RunningTarget[], v8Seed?: number): Promise<Record<VariantName, RunningTarget>> {
  // Every variant's ports at once, so the two never share one (a fixed health port cannot collide).
  const ports = await allocateVariantPorts(VARIANTS, plan.scenario.ports ?? []);
  const dir = path.dirname(path.resolve(plan.file));
  const exactness = plan.scenario.exactness;
  const settled = await Promise.allSettled(
    VARIANTS.map((name) => {
      const v = plan.variants[name];
      const fakes = worlds?.[name];
      const viewers = plan.scenario.variants[name].dashboardViewers ?? plan.scenario.dashboardViewers ?? 0;
      const env = dashboardEnv(v.env, viewers);
      // A scenario's `instances`: that many reference daemons behind a round-robin balancer.
      const instances = plan.scenario.instances ?? 1;
      if (instances > 1 && v.spec.kind !== 'reference') return Promise.reject(new UsageError(`${plan.scenario.name}: instances applies to the reference daemon only (${name} names a target)`));
      const started = instances > 1
        ? startCluster({ label: name, instances, env, fakes: fakes?.endpoints ?? null, token: env.EXAI_WS_TOKEN ?? process.env.EXAI_WS_TOKEN, v8Seed })
        : startTarget({ label: name, spec: v.spec, env, protocol: plan.scenario.protocol, fakes: fakes?.endpoints ?? null, ports: ports[name], dir, exactness, v8Seed });
      return started
        .then((t) => withViewers(`${plan.scenario.name} ${name}`, t, viewers, env.EXAI_WS_TOKEN ?? process.env.EXAI_WS_TOKEN))
        // A scenario's httpLoad: autocannon on the monitoring endpoints while the load runs.
        .then((t) => withHttpLoad(`${plan.scenario.name} ${name}`, t, plan.scenario.httpLoad, v.env.EXAI_WS_TOKEN ?? process.env.EXAI_WS_TOKEN));
    }),
  );
  for (const r of settled) if (r.status === 'fulfilled') started.push(r.value);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [baseline, instrumented] = settled.map((r) => (r as PromiseFulfilledResult<RunningTarget>).value);
  // Counters the scenario names that no variant serves are a typo, not a daemon without metrics.
  const unserved = exactness ? await unservedExactness({ baseline, instrumented }) : null;
  if (unserved) throw new UsageError(`${plan.scenario.name}: ${unserved}`);
  return { baseline, instrumented };
}

/** `start` both drivers; a driver that cannot connect or say hello means the target is unusable as configured. */
export async function startDrivers(plan: ScenarioPlan, targets: Record<VariantName, RunningTarget>, drivers: Record<VariantName, DriverProcess>, salt?: string): Promise<void> {
  const s = plan.scenario;
  const timeoutMs = 30_000 + (s.clients + s.idleClients) * 20;
  const settled = await Promise.allSettled(VARIANTS.map((name) => drivers[name].start(driverConfig(plan, name, targets[name].url, salt), timeoutMs)));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw new UsageError(`${s.name}: ${(failed.reason as Error).message}`);
}
