import type { WindowResult } from '../result/schema.ts';
import type { ScenarioWorld } from '../scenario/schema.ts';
import type { VariantName } from './events.ts';

/** A world setting that makes the fakes fail on purpose. */
type Injector = 'provider.errorRate' | 'provider.limits' | 'supabase.errorRate';

const INJECTING: Record<Injector, (w: ScenarioWorld) => boolean> = {
  'provider.errorRate': (w) => (w.provider?.errorRate ?? 0) > 0,
  // A provider over its rpm/tpm answers 429 on purpose, as GLM and Kimi do.
  'provider.limits': (w) => w.provider?.limits?.rpm !== undefined || w.provider?.limits?.tpm !== undefined,
  'supabase.errorRate': (w) => (w.supabase?.errorRate ?? 0) > 0,
};

/**
 * The error codes by which the reference daemon reports a failure of its world, and the world
 * settings that inject each (none: the code always means the world or the daemon itself is
 * broken). The provider fake's 429/5xx/timeouts reach clients as PROVIDER_ERROR (after the
 * SDK's retries) or PROVIDER_UNAVAILABLE (circuit open); Supabase's 503s as SUPABASE_ERROR.
 * Codes not listed (timeout, closed, OVER_CAPACITY, TIMEOUT...) are the target's own errors:
 * counted, and judged by the errorRate budget like any change the instrumentation may cause.
 */
export const WORLD_ERROR_CODES: Readonly<Record<string, readonly Injector[]>> = {
  PROVIDER_ERROR: ['provider.errorRate', 'provider.limits'],
  PROVIDER_UNAVAILABLE: ['provider.errorRate', 'provider.limits'],
  SUPABASE_ERROR: ['supabase.errorRate'],
  REDIS_ERROR: [],
  INTERNAL_ERROR: [],
};

export type ErrorOrigin = 'injected' | 'world' | 'target';

/**
 * Where a reference daemon's error kind (as the driver counted it) comes from: injected by the
 * scenario's world on purpose, a world (or daemon) fault the scenario did not ask for, or the
 * target's own. A session-level error (`connection:REDIS_ERROR`, harness/protocol/README.md) is
 * judged by its code.
 */
export function errorOrigin(kind: string, world: ScenarioWorld): ErrorOrigin {
  const code = kind.startsWith('connection:') ? kind.slice('connection:'.length) : kind;
  if (!Object.hasOwn(WORLD_ERROR_CODES, code)) return 'target';
  return WORLD_ERROR_CODES[code].some((injector) => INJECTING[injector](world)) ? 'injected' : 'world';
}

export interface WorldErrorCount {
  kind: string;
  baseline: number;
  instrumented: number;
}

/**
 * World errors the scenario did not inject, by kind, over the measured windows of the variants
 * that run the reference daemon (a user's own target's error codes are its own: never world
 * errors). Most frequent first; empty when the world behaved.
 */
export function uninjectedWorldErrors(rounds: readonly WindowResult[], world: ScenarioWorld, referenceVariants: readonly VariantName[]): WorldErrorCount[] {
  const byKind = new Map<string, WorldErrorCount>();
  for (const r of rounds) {
    if (!referenceVariants.includes(r.variant)) continue;
    for (const [kind, n] of Object.entries(r.errorsByKind ?? {})) {
      if (n <= 0 || errorOrigin(kind, world) !== 'world') continue;
      const c = byKind.get(kind) ?? { kind, baseline: 0, instrumented: 0 };
      c[r.variant] += n;
      byKind.set(kind, c);
    }
  }
  const total = (c: WorldErrorCount) => c.baseline + c.instrumented;
  return [...byKind.values()].sort((a, b) => total(b) - total(a) || a.kind.localeCompare(b.kind));
}

/** The scenario's error, one line: "the world produced errors it did not inject: REDIS_ERROR x 412 (baseline 200, instrumented 212); no verdict". */
export function describeWorldErrors(counts: readonly WorldErrorCount[]): string {
  const parts = counts.map((c) => `${c.kind} x ${c.baseline + c.instrumented} (baseline ${c.baseline}, instrumented ${c.instrumented})`);
  return `the world produced errors it did not inject: ${parts.join(', ')}; no verdict`;
}
