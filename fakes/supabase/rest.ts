/**
 * /rest/v1: the PostgREST routes supabase-js v2 calls. GET/HEAD select, POST insert or upsert,
 * PATCH update, DELETE delete, /rpc/<fn> functions; statuses, Content-Range and bodies as
 * PostgREST 12 answers them (see the test file for the exact call shapes captured from the client).
 */
import { PgrstError, notSingle, unknownTable } from './errors.ts';
import { JSON_TYPE, contentRange, json, type FakeResponse } from './http-io.ts';
import { insertPayload, parseJsonBody, updatePayload } from './payload.ts';
import { OBJECT_MEDIA_TYPE, parsePrefer, wantsObject, type Preferences } from './prefer.ts';
import { parseQuery, type ParsedQuery } from './query.ts';
import { handleRpc } from './rpc.ts';
import type { Row, Store, WriteResult } from './store.ts';
import { TABLES, findTable, type TableDef } from './tables.ts';

export interface RestRequest {
  readonly method: string;
  /** Path after `/rest/v1/`, still percent-encoded. */
  readonly path: string;
  readonly params: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

const header = (r: RestRequest, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

export async function handleRest(store: Store, r: RestRequest): Promise<FakeResponse> {
  try {
    return await route(store, r);
  } catch (e) {
    if (e instanceof PgrstError) return json(e.status, e.body());
    return json(500, { code: 'XX000', details: null, hint: null, message: (e as Error).message });
  }
}

async function route(store: Store, r: RestRequest): Promise<FakeResponse> {
  const read = r.method === 'GET' || r.method === 'HEAD';
  const profile = header(r, read ? 'accept-profile' : 'content-profile');
  if (profile !== undefined && profile !== 'public') {
    throw new PgrstError(406, 'PGRST106', `Invalid schema: ${profile}`, null, 'Only the following schemas are exposed: public');
  }
  const prefer = parsePrefer(header(r, 'prefer'));
  const accept = header(r, 'accept');
  // CSV and plan output exist in PostgREST but not here: say so rather than answer JSON.
  if (accept && /text\/csv|vnd\.pgrst\.plan/.test(accept)) throw new PgrstError(406, 'PGRST107', `None of these media types are available: ${accept}`);
  const single = wantsObject(accept);
  const name = safeDecode(r.path);
  if (name.startsWith('rpc/')) return handleRpc(store, { name: name.slice(4), method: r.method, params: r.params, body: r.body, prefer, single });
  const table = findTable(name);
  if (!table) throw unknownTable(name, suggestTable(name));
  const q = parseQuery(table, r.params);
  switch (r.method) {
    case 'GET':
    case 'HEAD':
      return select(store, table, q, prefer, single);
    case 'POST':
      return insert(store, table, q, prefer, single, r.body);
    case 'PATCH':
    case 'DELETE':
      return updateOrDelete(store, table, q, prefer, single, r);
    default:
      throw new PgrstError(405, 'PGRST117', `Unsupported HTTP method: ${r.method}`);
  }
}

async function select(store: Store, table: TableDef, q: ParsedQuery, prefer: Preferences, single: boolean): Promise<FakeResponse> {
  const { rows, total } = await store.select({
    table, projection: q.projection, filter: q.filter, order: q.order, limit: q.limit, offset: q.offset, count: prefer.count,
  });
  if (single && rows.length !== 1) throw notSingle(rows.length);
  const n = rows.length;
  let status = 200;
  if (total !== null) {
    // PostgREST's range status: past the end is 416, a partial page 206.
    if (q.offset > total) {
      throw new PgrstError(416, 'PGRST103', 'Requested range not satisfiable', `An offset of ${q.offset} was requested, but there are only ${total} rows.`);
    }
    if (n < total) status = 206;
  }
  return {
    status,
    headers: {
      'content-type': single ? `${OBJECT_MEDIA_TYPE}; charset=utf-8` : JSON_TYPE,
      'content-range': contentRange(q.offset, n, total),
      ...applied(prefer),
    },
    body: JSON.stringify(single ? rows[0] : rows),
  };
}

async function insert(store: Store, table: TableDef, q: ParsedQuery, prefer: Preferences, single: boolean, body: Buffer): Promise<FakeResponse> {
  const { rows, columns } = insertPayload(table, parseJsonBody(body), q.columns, prefer.missingDefault);
  const conflict = prefer.resolution ? { target: q.onConflict ?? table.primaryKey, resolution: prefer.resolution } : null;
  const result = await store.insert({ table, rows, columns, conflict, returning: prefer.representation ? q.projection : false, expectOne: single });
  // PostgREST answers 201 to every POST, upserts included; the range of a write is `*/*`.
  return written(201, result, `*/${prefer.count ? result.affected : '*'}`, prefer, single);
}

async function updateOrDelete(store: Store, table: TableDef, q: ParsedQuery, prefer: Preferences, single: boolean, r: RestRequest): Promise<FakeResponse> {
  if (q.limit !== null || q.offset !== 0 || q.order.length > 0) {
    throw new PgrstError(400, 'PGRST100', '"failed to parse limit/order on a write"', 'limit, offset and order on PATCH/DELETE are not supported by the overbench Supabase fake');
  }
  const returning = prefer.representation ? q.projection : false;
  let result: WriteResult;
  if (r.method === 'PATCH') {
    const patch = updatePayload(table, parseJsonBody(r.body));
    // PostgREST does nothing for an empty patch.
    result = Object.keys(patch).length === 0 ? { rows: [], affected: 0 } : await store.update({ table, patch, filter: q.filter, returning, expectOne: single });
  } else {
    result = await store.delete({ table, filter: q.filter, returning, expectOne: single });
  }
  const range = result.affected === 0 ? `*/${prefer.count ? 0 : '*'}` : `0-${result.affected - 1}/${prefer.count ? result.affected : '*'}`;
  return written(prefer.representation ? 200 : 204, result, range, prefer, single);
}

function written(status: number, result: WriteResult, range: string, prefer: Preferences, single: boolean): FakeResponse {
  const headers: Record<string, string> = { 'content-range': range, ...applied(prefer) };
  if (!prefer.representation) return { status, headers, body: '' };
  headers['content-type'] = single ? `${OBJECT_MEDIA_TYPE}; charset=utf-8` : JSON_TYPE;
  const rows: Row[] = result.rows;
  return { status, headers, body: JSON.stringify(single ? rows[0] : rows) };
}

function applied(prefer: Preferences): Record<string, string> {
  return prefer.applied.length === 0 ? {} : { 'preference-applied': prefer.applied.join(', ') };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** PostgREST's "Perhaps you meant" hint, approximated: a table sharing the name's start or singular. */
function suggestTable(name: string): string | undefined {
  const stem = name.toLowerCase().replace(/s$/, '');
  return TABLES.find((t) => t.name.startsWith(stem.slice(0, 4)) || t.name.replace(/s$/, '') === stem)?.name;
}
