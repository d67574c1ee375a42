/**
 * Request bodies of writes, checked against the table and coerced like PostgREST does before the
 * store sees them: unknown keys are PGRST204, a bulk insert without `columns` needs identical keys
 * (PGRST102), and with `columns` a key missing from a row is NULL (or the default under
 * `Prefer: missing=default`).
 */
import { PgrstError, invalidBody } from './errors.ts';
import { requirePayloadColumn } from './query.ts';
import type { Row } from './store.ts';
import type { ColumnDef, TableDef } from './tables.ts';
import { coerceValue } from './values.ts';

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw invalidBody('the request body is empty');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw invalidBody((e as Error).message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function insertPayload(
  table: TableDef,
  body: unknown,
  columnsParam: readonly string[] | null,
  missingDefault: boolean,
): { rows: Row[]; columns: string[] } {
  const objects = Array.isArray(body) ? body : [body];
  if (!objects.every(isObject)) throw invalidBody('expected a JSON object or an array of objects');
  let names: string[];
  if (columnsParam) names = [...columnsParam];
  else {
    names = objects.length > 0 ? Object.keys(objects[0]) : [];
    const key = names.slice().sort().join(',');
    if (objects.some((o) => Object.keys(o).sort().join(',') !== key)) throw new PgrstError(400, 'PGRST102', 'All object keys must match');
  }
  const cols: ColumnDef[] = names.map((n) => requirePayloadColumn(table, n));
  const rows = objects.map((o) => {
    const row: Row = {};
    for (const c of cols) {
      if (c.name in o) row[c.name] = coerceValue(c.type, o[c.name]);
      else if (!missingDefault) row[c.name] = null;
    }
    return row;
  });
  return { rows, columns: names };
}

export function updatePayload(table: TableDef, body: unknown): Row {
  if (!isObject(body)) throw invalidBody('expected a JSON object');
  const patch: Row = {};
  for (const [k, v] of Object.entries(body)) patch[k] = coerceValue(requirePayloadColumn(table, k).type, v);
  return patch;
}
