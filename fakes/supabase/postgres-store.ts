/**
 * PostgreSQL store: the same requests as the memory store, answered by a real database through
 * `pg`. Tables come from tables.ts (ddl.ts); errors are PostgreSQL's own, relabelled with the
 * HTTP status PostgREST would give them.
 */
import pg from 'pg';
import { PgrstError, notSingle, statusForSqlState } from './errors.ts';
import { STORAGE_TABLE, ident, schemaDdl } from './ddl.ts';
import { PostgresUnavailableError } from './postgres-cluster.ts';
import { Params, deleteStatement, insertStatement, orderSql, projectionSql, updateStatement, whereSql, writeSql } from './postgres-sql.ts';
import type { DeleteRequest, InsertRequest, PutObject, Row, SelectRequest, SelectResult, Store, StoredObject, UpdateRequest, WriteResult } from './store.ts';

function toPgrst(e: unknown): PgrstError {
  if (e instanceof PgrstError) return e;
  const err = e as pg.DatabaseError;
  if (typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code) && err.severity) {
    return new PgrstError(statusForSqlState(err.code), err.code, err.message, err.detail ?? null, err.hint ?? null);
  }
  return new PgrstError(503, 'PGRST001', 'Database client error. Retrying the connection.', (e as Error).message);
}

interface WriteRow {
  rows: Row[];
  affected: number;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects, sets the session to UTC (timestamps print as PostgREST's do) and creates the tables. */
  static async open(config: pg.PoolConfig): Promise<PostgresStore> {
    const pool = new pg.Pool({ max: 8, ...config, options: '-c TimeZone=UTC' });
    pool.on('error', () => {}); // an idle client losing its server must not crash the fake; queries still fail
    try {
      await pool.query(schemaDdl());
    } catch (e) {
      await pool.end().catch(() => {});
      throw new PostgresUnavailableError(`store postgres: cannot prepare the database (${(e as Error).message})`);
    }
    return new PostgresStore(pool);
  }

  async select(req: SelectRequest): Promise<SelectResult> {
    const p = new Params();
    const where = whereSql(req.filter, p);
    const from = `FROM ${ident(req.table.name)} WHERE ${where}`;
    let page = `SELECT ${projectionSql(req.projection)} ${from}${orderSql(req.order)}`;
    if (req.limit !== null) page += ` LIMIT ${req.limit}`;
    if (req.offset > 0) page += ` OFFSET ${req.offset}`;
    const total = req.count ? `, (SELECT count(*) ${from})::int AS total` : '';
    const sql = `SELECT coalesce((SELECT json_agg(_r) FROM (${page}) _r), '[]'::json) AS rows${total}`;
    try {
      const r = await this.pool.query<{ rows: Row[]; total?: number }>(sql, p.values);
      return { rows: r.rows[0].rows, total: req.count ? r.rows[0].total! : null };
    } catch (e) {
      throw toPgrst(e);
    }
  }

  async insert(req: InsertRequest): Promise<WriteResult> {
    if (req.rows.length === 0) {
      if (req.expectOne) throw notSingle(0);
      return { rows: [], affected: 0 };
    }
    const p = new Params();
    return this.write(writeSql(insertStatement(req.table, req.rows, req.columns, req.conflict, p), req.returning), p.values, req.expectOne);
  }

  async update(req: UpdateRequest): Promise<WriteResult> {
    const p = new Params();
    return this.write(writeSql(updateStatement(req.table, req.patch, req.filter, p), req.returning), p.values, req.expectOne);
  }

  async delete(req: DeleteRequest): Promise<WriteResult> {
    const p = new Params();
    return this.write(writeSql(deleteStatement(req.table, req.filter, p), req.returning), p.values, req.expectOne);
  }

  /** One statement is atomic by itself; `.single()` needs a transaction to undo a wrong row count. */
  private async write(sql: string, values: unknown[], expectOne: boolean): Promise<WriteResult> {
    if (!expectOne) {
      try {
        const r = await this.pool.query<WriteRow>(sql, values);
        return r.rows[0];
      } catch (e) {
        throw toPgrst(e);
      }
    }
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw toPgrst(e);
    }
    try {
      await client.query('BEGIN');
      const r = (await client.query<WriteRow>(sql, values)).rows[0];
      if (r.affected !== 1) throw notSingle(r.affected);
      await client.query('COMMIT');
      return r;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw toPgrst(e);
    } finally {
      client.release();
    }
  }

  async putObject(obj: PutObject): Promise<string | null> {
    const onConflict = obj.upsert ? 'DO UPDATE SET content_type = EXCLUDED.content_type, data = EXCLUDED.data' : 'DO NOTHING';
    const r = await this.pool.query<{ id: string }>(
      `INSERT INTO ${STORAGE_TABLE} (bucket, name, content_type, data) VALUES ($1, $2, $3, $4) ON CONFLICT (bucket, name) ${onConflict} RETURNING id`,
      [obj.bucket, obj.name, obj.contentType, obj.bytes],
    );
    return r.rows[0]?.id ?? null;
  }

  async getObject(bucket: string, name: string): Promise<StoredObject | null> {
    const r = await this.pool.query<{ id: string; content_type: string; data: Buffer }>(
      `SELECT id, content_type, data FROM ${STORAGE_TABLE} WHERE bucket = $1 AND name = $2`,
      [bucket, name],
    );
    const row = r.rows[0];
    return row ? { id: row.id, bucket, name, contentType: row.content_type, bytes: row.data } : null;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
