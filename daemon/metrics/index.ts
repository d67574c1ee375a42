import { BACKEND_NAMES, type BackendName, type MetricsBackend, type MetricsSnapshot } from './types.ts';
import { NoneMetrics } from './none.ts';
import { LegacyMetrics } from './legacy.ts';
import { SampledMetrics } from './sampled.ts';
import { PromMetrics } from './prom.ts';
import { OtelMetrics } from './otel.ts';
import { FastMetrics } from './fast.ts';

export * from './types.ts';
export { readClusterSnapshot } from './cluster.ts';
export { NoneMetrics, LegacyMetrics, SampledMetrics, PromMetrics, OtelMetrics, FastMetrics };

/** Name -> constructor; the daemon picks one with METRICS_BACKEND, bench:tight builds a fresh one per task. */
const factories: Record<BackendName, () => MetricsBackend> = {
  none: () => new NoneMetrics(),
  legacy: () => new LegacyMetrics(),
  sampled: () => new SampledMetrics(),
  prom: () => new PromMetrics(),
  otel: () => new OtelMetrics(),
  fast: () => new FastMetrics(),
};

export function isBackendName(value: string): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value);
}

/** A fresh, independent backend instance (no state shared with any other instance). */
export function createMetrics(name: BackendName): MetricsBackend {
  if (!isBackendName(name)) {
    throw new Error(`unknown metrics backend "${String(name)}" (expected one of: ${BACKEND_NAMES.join(', ')})`);
  }
  return factories[name]();
}

/**
 * The snapshot of any backend, for `/metrics.json`: the library's asynchronous read-back where
 * it has one (otel), else the synchronous snapshot().
 */
export async function readSnapshot(backend: MetricsBackend): Promise<MetricsSnapshot> {
  return backend.collect ? backend.collect() : backend.snapshot();
}
