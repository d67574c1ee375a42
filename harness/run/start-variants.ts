import { UsageError } from '../../common/exit-codes.ts';
import type { DriverConfig } from '../driver/messages.ts';
import type { RunningFakes } from '../targets/fakes-process.ts';
import { startTarget } from '../targets/start.ts';
import type { RunningTarget } from '../targets/types.ts';
import type { DriverProcess } from '../driver/process.ts';
import type { VariantName } from './events.ts';
import type { ScenarioPlan } from './plan.ts';

export const VARIANTS: readonly VariantName[] = ['baseline', 'instrumented'];

export function driverConfig(plan: ScenarioPlan, variant: VariantName, url: string): DriverConfig {
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
    churn: s.churn,
    // Session ids are at most 64 characters (EXAI-PROTOCOL.md); the driver appends -idle-N.
    sessionPrefix: `ob-${s.name}-${variant === 'baseline' ? 'b' : 'i'}`.slice(0, 48),
    requestTimeoutMs: s.requestTimeoutSec * 1000,
    idleClients: s.idleClients,
  };
}

/**
 * Both targets at once (they are independent). Every one that came up is pushed to `started`
 * even when the other failed, so the caller stops it.
 */
export async function startTargets(plan: ScenarioPlan, fakes: RunningFakes | null, started: RunningTarget[]): Promise<Record<VariantName, RunningTarget>> {
  const settled = await Promise.allSettled(
    VARIANTS.map((name) => {
      const v = plan.variants[name];
      return startTarget({ label: name, spec: v.spec, env: v.env, protocol: plan.scenario.protocol, fakes: fakes?.endpoints ?? null });
    }),
  );
  for (const r of settled) if (r.status === 'fulfilled') started.push(r.value);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [baseline, instrumented] = settled.map((r) => (r as PromiseFulfilledResult<RunningTarget>).value);
  return { baseline, instrumented };
}

/** `start` both drivers; a driver that cannot connect or say hello means the target is unusable as configured. */
export async function startDrivers(plan: ScenarioPlan, targets: Record<VariantName, RunningTarget>, drivers: Record<VariantName, DriverProcess>): Promise<void> {
  const s = plan.scenario;
  const timeoutMs = 30_000 + (s.clients + s.idleClients) * 20;
  const settled = await Promise.allSettled(VARIANTS.map((name) => drivers[name].start(driverConfig(plan, name, targets[name].url), timeoutMs)));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw new UsageError(`${s.name}: ${(failed.reason as Error).message}`);
}
