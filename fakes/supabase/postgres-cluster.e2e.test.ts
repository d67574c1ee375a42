/**
 * The throwaway PostgreSQL cluster: starts (as `postgres` when we are root), serves the fake,
 * and close() leaves no process and no directory behind. Missing binaries and an unreachable
 * database are one clear error.
 */
import { existsSync } from 'node:fs';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { PostgresUnavailableError, startThrowawayCluster } from './postgres-cluster.ts';
import { startSupabaseFake } from './server.ts';
import { processesUsing } from '../../common/testing/procs.ts';

const savedUrl = process.env.DATABASE_URL;
beforeAll(() => {
  delete process.env.DATABASE_URL; // these tests are about the cluster the fake starts itself
});
afterAll(() => {
  if (savedUrl !== undefined) process.env.DATABASE_URL = savedUrl;
});

describeWithDeps(['postgres'], 'throwaway PostgreSQL cluster', () => {
  it('serves the fake and close() stops every postgres process and removes the temp dir', async () => {
    const fake = await startSupabaseFake({ store: 'postgres' });
    const dir = fake.clusterDir!;
    try {
      expect(fake.storeKind).toBe('postgres');
      expect(existsSync(dir)).toBe(true);
      expect(processesUsing(dir).length).toBeGreaterThan(0);
      const sb = createClient(fake.url, 'anon-key', { auth: { persistSession: false } });
      const { data, error } = await sb.from('sessions').insert({ user_id: 'u1' }).select('user_id').single();
      expect(error).toBeNull();
      expect(data).toEqual({ user_id: 'u1' });
    } finally {
      await fake.close();
    }
    expect(processesUsing(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    await fake.close(); // idempotent
  });

  it('startThrowawayCluster: close() is idempotent and leaves nothing', async () => {
    const cluster = await startThrowawayCluster();
    expect(cluster.port).toBeGreaterThan(0);
    expect(cluster.connection).toMatchObject({ host: cluster.dir, port: cluster.port, user: 'postgres' });
    await cluster.close();
    await cluster.close();
    expect(processesUsing(cluster.dir)).toEqual([]);
    expect(existsSync(cluster.dir)).toBe(false);
  });

  it('missing binaries: one clear PostgresUnavailableError', async () => {
    const err = await startSupabaseFake({ store: 'postgres', pgBinDir: '/nonexistent/pg/bin' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostgresUnavailableError);
    expect((err as Error).message).toMatch(/^store postgres: PostgreSQL binaries not found \(no initdb and pg_ctl in \/nonexistent\/pg\/bin\)/);
  });

  it('an unreachable databaseUrl: one clear PostgresUnavailableError', async () => {
    const err = await startSupabaseFake({ store: 'postgres', databaseUrl: 'postgres://nobody@127.0.0.1:1/none' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostgresUnavailableError);
    expect((err as Error).message).toMatch(/^store postgres: cannot prepare the database \(.*ECONNREFUSED/);
  });
});
