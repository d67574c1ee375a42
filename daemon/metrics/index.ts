import { BACKEND_NAMES, type BackendName, type MetricsBackend } from './types.ts';
import { NoneMetrics } from './none.ts';

export * from './types.ts';

/** Name -> constructor; the daemon picks one with METRICS_BACKEND, bench:tight builds a fresh one per task. */
const factories: Record<BackendName, (() => MetricsBackend) | undefined> = {
  none: () => new NoneMetrics(),
  legacy: undefined,
  sampled: undefined,
  prom: undefined,
  otel: undefined,
  fast: undefined,
};

export function isBackendName(value: string): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value);
}

/** A fresh, independent backend instance (no state shared with any other instance). */
export function createMetrics(name: BackendName): MetricsBackend {
  if (!isBackendName(name)) {
    throw new Error(`unknown metrics backend "${String(name)}" (expected one of: ${BACKEND_NAMES.join(', ')})`);
  }
  const make = factories[name];
  if (!make) throw new Error(`metrics backend "${name}" is not implemented yet`);
  return make();
}
