/**
 * compose/postgres/*.sql, run in name order on a real PostgreSQL as the postgres:15 image's
 * entrypoint runs them, then used the way PostgREST uses them: log in as `authenticator`, switch
 * to `anon` (the role of the compose file's anon key), and do what the daemon's supabase-js calls
 * do to the tables.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { REPO_ROOT } from '../../common/tsx.ts';
import { startThrowawayCluster, type ThrowawayCluster } from '../../fakes/supabase/postgres-cluster.ts';

const SQL_DIR = path.join(REPO_ROOT, 'compose/postgres');

describeWithDeps(['postgres'], 'the compose database scripts', () => {
  let cluster: ThrowawayCluster;
  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    const admin = new pg.Client(cluster.connection);
    await admin.connect();
    try {
      for (const f of readdirSync(SQL_DIR).filter((n) => n.endsWith('.sql')).sort()) await admin.query(readFileSync(path.join(SQL_DIR, f), 'utf8'));
    } finally {
      await admin.end();
    }
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('let authenticator become anon, and anon write and read the tables as the daemon does', async () => {
    const db = new pg.Client({ ...cluster.connection, user: 'authenticator', password: 'overbench-authenticator' });
    await db.connect();
    try {
      await db.query('SET ROLE anon');
      const conv = await db.query(`INSERT INTO conversations (session_id, title) VALUES ('s1', 't') ON CONFLICT (id) DO UPDATE SET updated_at = now() RETURNING id`);
      const id = conv.rows[0].id as string;
      await db.query(`INSERT INTO messages (conversation_id, role, content, idempotency_key) VALUES ($1, 'user', 'hi', 'k1'), ($1, 'assistant', 'hello', 'k2')`, [id]);
      const rows = await db.query('SELECT role, content FROM messages WHERE conversation_id = $1 ORDER BY id', [id]);
      expect(rows.rows).toEqual([{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }]);
      await db.query(`INSERT INTO metrics_rollups (instance_id, window_start, counters) VALUES ('i1', now(), '{"n":1}')`);
      // anon may not do what the grants leave out.
      await expect(db.query('CREATE TABLE intruder (x int)')).rejects.toThrow(/permission denied/);
    } finally {
      await db.end();
    }
  });
});
