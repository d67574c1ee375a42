/**
 * Picks and opens the store: memory by default; for `postgres`, the database at databaseUrl
 * (or DATABASE_URL), else a throwaway cluster started here and stopped by close().
 */
import type { SupabaseFakeOptions } from './config.ts';
import { MemoryStore } from './memory-store.ts';
import { startThrowawayCluster } from './postgres-cluster.ts';
import { PostgresStore } from './postgres-store.ts';
import type { Store } from './store.ts';

export interface OpenedStore {
  readonly store: Store;
  readonly clusterDir?: string;
  close(): Promise<void>;
}

export async function openStore(opts: SupabaseFakeOptions): Promise<OpenedStore> {
  if ((opts.store ?? 'memory') === 'memory') {
    const store = new MemoryStore();
    return { store, close: () => store.close() };
  }
  const databaseUrl = opts.databaseUrl ?? process.env.DATABASE_URL;
  if (databaseUrl) {
    const store = await PostgresStore.open({ connectionString: databaseUrl });
    return { store, close: () => store.close() };
  }
  const cluster = await startThrowawayCluster({ binDir: opts.pgBinDir });
  try {
    const store = await PostgresStore.open(cluster.connection);
    return {
      store,
      clusterDir: cluster.dir,
      async close() {
        await store.close();
        await cluster.close();
      },
    };
  } catch (e) {
    await cluster.close();
    throw e;
  }
}
