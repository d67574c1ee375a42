/**
 * The one interface both stores implement (memory-store.ts, postgres-store.ts). Requests arrive
 * parsed and coerced (query.ts, payload.ts); a store only filters, writes and enforces keys, and
 * raises the same PgrstErrors either way.
 */
import type { Logic, OrderTerm, Projection } from './query.ts';
import type { TableDef } from './tables.ts';

export type Row = Record<string, unknown>;
export type StoreKind = 'memory' | 'postgres';

export interface SelectRequest {
  readonly table: TableDef;
  readonly projection: Projection;
  readonly filter: Logic;
  readonly order: readonly OrderTerm[];
  readonly limit: number | null;
  readonly offset: number;
  /** Count every matching row (before limit/offset). */
  readonly count: boolean;
}
export interface SelectResult {
  readonly rows: Row[];
  readonly total: number | null;
}

interface WriteCommon {
  readonly table: TableDef;
  /** Rows to return (projected); null = none, only count. */
  readonly returning: Projection | false;
  /** `.single()` on a write: anything but exactly one affected row rolls back with 406 PGRST116. */
  readonly expectOne: boolean;
}
export interface InsertRequest extends WriteCommon {
  /** Coerced payload rows. A key that is absent takes the column default; present null is NULL. */
  readonly rows: readonly Row[];
  /** Columns the payload names (upsert merges exactly these). */
  readonly columns: readonly string[];
  /** Conflict target of an upsert (primary key when `on_conflict` is absent); null = plain insert. */
  readonly conflict: { readonly target: readonly string[]; readonly resolution: 'merge' | 'ignore' } | null;
}
export interface UpdateRequest extends WriteCommon {
  readonly patch: Row;
  readonly filter: Logic;
}
export interface DeleteRequest extends WriteCommon {
  readonly filter: Logic;
}
export interface WriteResult {
  readonly rows: Row[];
  readonly affected: number;
}

export interface StoredObject {
  readonly id: string;
  readonly bucket: string;
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}
export interface PutObject {
  readonly bucket: string;
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Buffer;
  /** false: an existing object is a conflict. */
  readonly upsert: boolean;
}

export interface Store {
  readonly kind: StoreKind;
  select(req: SelectRequest): Promise<SelectResult>;
  insert(req: InsertRequest): Promise<WriteResult>;
  update(req: UpdateRequest): Promise<WriteResult>;
  delete(req: DeleteRequest): Promise<WriteResult>;
  /** Returns the object id, or null when it exists and `upsert` is false. */
  putObject(obj: PutObject): Promise<string | null>;
  getObject(bucket: string, name: string): Promise<StoredObject | null>;
  close(): Promise<void>;
}

/** Apply a projection (select list with aliases) to a full row. */
export function project(row: Row, projection: Projection): Row {
  if (projection === null) return row;
  const out: Row = {};
  for (const item of projection) out[item.alias] = row[item.column.name];
  return out;
}
