/** CREATE statements for the PostgreSQL store, generated from the one declaration in tables.ts. */
import { TABLES, constraintName, type ColumnDef, type ColumnType, type TableDef } from './tables.ts';

export const SQL_TYPE: Record<ColumnType, string> = {
  text: 'text',
  uuid: 'uuid',
  bigint: 'bigint',
  integer: 'integer',
  double: 'double precision',
  boolean: 'boolean',
  timestamptz: 'timestamptz',
  jsonb: 'jsonb',
};

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Objects uploaded through /storage/v1 (a schema of its own: a real Supabase has `storage`). */
export const STORAGE_TABLE = 'overbench_storage.objects';

function columnSql(c: ColumnDef): string {
  if (c.default?.kind === 'serial') return `${ident(c.name)} bigserial`;
  let sql = `${ident(c.name)} ${SQL_TYPE[c.type]}`;
  if (c.notNull) sql += ' NOT NULL';
  const d = c.default;
  if (d?.kind === 'uuid') sql += c.type === 'uuid' ? ' DEFAULT gen_random_uuid()' : ' DEFAULT gen_random_uuid()::text';
  else if (d?.kind === 'now') sql += ' DEFAULT now()';
  else if (d?.kind === 'json') sql += ` DEFAULT '${JSON.stringify(d.value).replace(/'/g, "''")}'::${SQL_TYPE[c.type]}`;
  return sql;
}

export function tableDdl(t: TableDef): string {
  const parts = t.columns.map(columnSql);
  parts.push(`CONSTRAINT ${ident(constraintName(t, t.primaryKey))} PRIMARY KEY (${t.primaryKey.map(ident).join(', ')})`);
  for (const u of t.unique) parts.push(`CONSTRAINT ${ident(constraintName(t, u))} UNIQUE (${u.map(ident).join(', ')})`);
  const indexes = t.indexes.map((c) => `CREATE INDEX IF NOT EXISTS ${ident(`${t.name}_${c}_idx`)} ON ${ident(t.name)} (${ident(c)});`);
  return [`CREATE TABLE IF NOT EXISTS ${ident(t.name)} (\n  ${parts.join(',\n  ')}\n);`, ...indexes].join('\n');
}

/** Everything the store needs; idempotent, so it can run against an existing database. */
export function schemaDdl(): string {
  return [
    ...TABLES.map(tableDdl),
    'CREATE SCHEMA IF NOT EXISTS overbench_storage;',
    `CREATE TABLE IF NOT EXISTS ${STORAGE_TABLE} (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  bucket text NOT NULL,
  name text NOT NULL,
  content_type text NOT NULL,
  data bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bucket, name)
);`,
  ].join('\n');
}
