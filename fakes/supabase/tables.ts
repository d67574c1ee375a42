/**
 * The tables the Supabase fake serves, declared ONCE: the in-memory store builds its indexes from
 * these declarations and the PostgreSQL store creates its tables from them (see ddl.ts), so both
 * stores enforce the same keys and defaults.
 */

export type ColumnType = 'text' | 'uuid' | 'bigint' | 'integer' | 'double' | 'boolean' | 'timestamptz' | 'jsonb';

/** How a column gets its value when an insert leaves it out. */
export type ColumnDefault =
  | { kind: 'serial' } // bigserial: next value of the table's sequence
  | { kind: 'uuid' } // gen_random_uuid() (as text for text columns)
  | { kind: 'now' } // now(): one timestamp per statement, as in PostgreSQL
  | { kind: 'json'; value: unknown }; // a constant

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly notNull?: boolean;
  readonly default?: ColumnDefault;
}

export interface TableDef {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly primaryKey: readonly string[];
  /** Unique constraints besides the primary key. */
  readonly unique: readonly (readonly string[])[];
  /** Plain (non-unique) indexes: equality lookups on these avoid a scan in memory. */
  readonly indexes: readonly string[];
}

const now: ColumnDefault = { kind: 'now' };
const uuid: ColumnDefault = { kind: 'uuid' };
const serial: ColumnDefault = { kind: 'serial' };
const emptyJson: ColumnDefault = { kind: 'json', value: {} };

export const TABLES: readonly TableDef[] = [
  {
    name: 'conversations',
    columns: [
      { name: 'id', type: 'text', notNull: true, default: uuid },
      { name: 'session_id', type: 'text' },
      { name: 'title', type: 'text' },
      { name: 'created_at', type: 'timestamptz', notNull: true, default: now },
      { name: 'updated_at', type: 'timestamptz', notNull: true, default: now },
      { name: 'metadata', type: 'jsonb', default: emptyJson },
    ],
    primaryKey: ['id'],
    unique: [],
    indexes: ['session_id'],
  },
  {
    name: 'messages',
    columns: [
      { name: 'id', type: 'bigint', notNull: true, default: serial },
      { name: 'conversation_id', type: 'text', notNull: true },
      { name: 'role', type: 'text', notNull: true },
      { name: 'content', type: 'text' },
      { name: 'created_at', type: 'timestamptz', notNull: true, default: now },
      { name: 'idempotency_key', type: 'text' },
      { name: 'metadata', type: 'jsonb', default: emptyJson },
    ],
    primaryKey: ['id'],
    unique: [['idempotency_key']],
    indexes: ['conversation_id'],
  },
  {
    name: 'sessions',
    columns: [
      { name: 'id', type: 'text', notNull: true, default: uuid },
      { name: 'user_id', type: 'text' },
      { name: 'client_info', type: 'jsonb' },
      { name: 'created_at', type: 'timestamptz', notNull: true, default: now },
      { name: 'updated_at', type: 'timestamptz', notNull: true, default: now },
      { name: 'last_seen_at', type: 'timestamptz' },
      { name: 'expires_at', type: 'timestamptz' },
      { name: 'metadata', type: 'jsonb', default: emptyJson },
    ],
    primaryKey: ['id'],
    unique: [],
    indexes: ['user_id'],
  },
  {
    name: 'file_uploads',
    columns: [
      { name: 'id', type: 'uuid', notNull: true, default: uuid },
      { name: 'session_id', type: 'text' },
      { name: 'conversation_id', type: 'text' },
      { name: 'bucket', type: 'text', notNull: true },
      { name: 'path', type: 'text', notNull: true },
      { name: 'filename', type: 'text' },
      { name: 'content_type', type: 'text' },
      { name: 'size_bytes', type: 'bigint' },
      { name: 'sha256', type: 'text' },
      { name: 'created_at', type: 'timestamptz', notNull: true, default: now },
      { name: 'metadata', type: 'jsonb', default: emptyJson },
    ],
    primaryKey: ['id'],
    unique: [['bucket', 'path']],
    indexes: ['session_id', 'conversation_id'],
  },
  {
    name: 'auditor_observations',
    columns: [
      { name: 'id', type: 'bigint', notNull: true, default: serial },
      { name: 'session_id', type: 'text' },
      { name: 'conversation_id', type: 'text' },
      { name: 'kind', type: 'text', notNull: true },
      { name: 'severity', type: 'text' },
      { name: 'observation', type: 'text' },
      { name: 'payload', type: 'jsonb' },
      { name: 'created_at', type: 'timestamptz', notNull: true, default: now },
    ],
    primaryKey: ['id'],
    unique: [],
    indexes: ['session_id'],
  },
  {
    name: 'metrics_rollups',
    columns: [
      { name: 'id', type: 'bigint', notNull: true, default: serial },
      { name: 'instance_id', type: 'text', notNull: true },
      { name: 'window_start', type: 'timestamptz', notNull: true },
      { name: 'window_end', type: 'timestamptz' },
      { name: 'backend', type: 'text' },
      { name: 'counters', type: 'jsonb', default: emptyJson },
      { name: 'latency', type: 'jsonb' },
      { name: 'created_at', type: 'timestamptz', notNull: true, default: now },
      { name: 'updated_at', type: 'timestamptz', notNull: true, default: now },
    ],
    primaryKey: ['id'],
    unique: [['instance_id', 'window_start']],
    indexes: ['instance_id'],
  },
];

const BY_NAME = new Map(TABLES.map((t) => [t.name, t]));

export function findTable(name: string): TableDef | undefined {
  return BY_NAME.get(name);
}

/** Name PostgreSQL gives a unique constraint by default; the memory store reports the same. */
export function constraintName(table: TableDef, columns: readonly string[]): string {
  return sameColumns(columns, table.primaryKey) ? `${table.name}_pkey` : `${table.name}_${columns.join('_')}_key`;
}

export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

/** The primary key and every unique constraint: what ON CONFLICT may target. */
export function uniqueKeys(table: TableDef): readonly (readonly string[])[] {
  return [table.primaryKey, ...table.unique];
}

const COLUMNS = new Map(TABLES.map((t) => [t, new Map(t.columns.map((c) => [c.name, c]))]));

export function findColumn(table: TableDef, name: string): ColumnDef | undefined {
  return COLUMNS.get(table)?.get(name);
}
