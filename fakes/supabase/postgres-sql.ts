/**
 * SQL for the PostgreSQL store, built from parsed requests. Identifiers come from the table
 * declarations (never from the request), values always travel as parameters with a cast to the
 * column type. Results come back as one json value built by PostgreSQL, as PostgREST does, so
 * timestamps, bigints and jsonb are formatted by the database itself.
 */
import { SQL_TYPE, ident } from './ddl.ts';
import type { FilterNode, OrderTerm, Projection } from './query.ts';
import type { Row } from './store.ts';
import type { ColumnType, TableDef } from './tables.ts';

export class Params {
  readonly values: unknown[] = [];
  add(v: unknown, type: ColumnType): string {
    this.values.push(type === 'jsonb' ? JSON.stringify(v) : v);
    return `$${this.values.length}::${SQL_TYPE[type]}`;
  }
  addArray(list: readonly unknown[], type: ColumnType): string {
    this.values.push(type === 'jsonb' ? list.map((v) => JSON.stringify(v)) : list);
    return `$${this.values.length}::${SQL_TYPE[type]}[]`;
  }
  addJson(v: unknown): string {
    this.values.push(JSON.stringify(v));
    return `$${this.values.length}::json`;
  }
  addText(v: string): string {
    this.values.push(v);
    return `$${this.values.length}::text`;
  }
}

const CMP: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

export function whereSql(node: FilterNode, p: Params): string {
  let sql: string;
  if (node.kind === 'cond') {
    const col = ident(node.column.name);
    const type = node.column.type;
    switch (node.op) {
      case 'is':
        sql = `${col} IS ${node.value === null || node.value === 'unknown' ? 'NULL' : node.value ? 'TRUE' : 'FALSE'}`;
        break;
      case 'in':
        sql = `${col} = ANY(${p.addArray(node.value as unknown[], type)})`;
        break;
      case 'cs':
        sql = `${col} @> ${p.add(node.value, 'jsonb')}`;
        break;
      case 'cd':
        sql = `${col} <@ ${p.add(node.value, 'jsonb')}`;
        break;
      case 'like':
        sql = `${col} LIKE ${p.addText(node.value as string)}`;
        break;
      case 'ilike':
        sql = `${col} ILIKE ${p.addText(node.value as string)}`;
        break;
      default:
        sql = `${col} ${CMP[node.op]} ${p.add(node.value, type)}`;
    }
  } else if (node.children.length === 0) sql = 'TRUE';
  else sql = `(${node.children.map((c) => whereSql(c, p)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
  return node.negate ? `NOT (${sql})` : sql;
}

export function orderSql(order: readonly OrderTerm[]): string {
  if (order.length === 0) return '';
  return ' ORDER BY ' + order.map((t) => `${ident(t.column.name)} ${t.desc ? 'DESC' : 'ASC'} NULLS ${t.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');
}

export function projectionSql(projection: Projection): string {
  if (projection === null) return '*';
  return projection.map((i) => (i.alias === i.column.name ? ident(i.alias) : `${ident(i.column.name)} AS ${ident(i.alias)}`)).join(', ');
}

/** Wrap a data-modifying statement (RETURNING *) so one query yields the rows as json and the count. */
export function writeSql(statement: string, returning: Projection | false): string {
  const rows = returning === false ? `'[]'::json` : `(SELECT coalesce(json_agg(_r), '[]'::json) FROM (SELECT ${projectionSql(returning)} FROM _w) _r)`;
  return `WITH _w AS (${statement} RETURNING *) SELECT ${rows} AS rows, (SELECT count(*) FROM _w)::int AS affected`;
}

export function insertStatement(
  table: TableDef,
  rows: readonly Row[],
  columns: readonly string[],
  conflict: { target: readonly string[]; resolution: 'merge' | 'ignore' } | null,
  p: Params,
): string {
  // No named column: insert defaults through the first column (every row all-default).
  const cols = columns.length > 0 ? columns : [table.columns[0].name];
  const list = cols.map(ident).join(', ');
  let sql: string;
  if (columns.length > 0 && rows.every((r) => cols.every((c) => c in r))) {
    // Every value given: one json parameter however many rows (PostgREST does the same),
    // clear of the 65,535-parameter limit of a VALUES list.
    sql = `INSERT INTO ${ident(table.name)} (${list}) SELECT ${list} FROM json_populate_recordset(null::${ident(table.name)}, ${p.addJson(rows)})`;
  } else {
    // Some keys absent (Prefer: missing=default): DEFAULT per cell.
    const types = cols.map((c) => table.columns.find((x) => x.name === c)!.type);
    const values = rows.map((r) => `(${cols.map((c, i) => (!(c in r) ? 'DEFAULT' : r[c] === null ? 'NULL' : p.add(r[c], types[i]))).join(', ')})`);
    sql = `INSERT INTO ${ident(table.name)} (${list}) VALUES ${values.join(', ')}`;
  }
  if (conflict) {
    sql += ` ON CONFLICT (${conflict.target.map(ident).join(', ')})`;
    sql += conflict.resolution === 'ignore' ? ' DO NOTHING' : ` DO UPDATE SET ${cols.map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`).join(', ')}`;
  }
  return sql;
}

export function updateStatement(table: TableDef, patch: Row, filter: FilterNode, p: Params): string {
  const sets = Object.keys(patch).map((c) => {
    const type = table.columns.find((x) => x.name === c)!.type;
    return `${ident(c)} = ${patch[c] === null ? 'NULL' : p.add(patch[c], type)}`;
  });
  return `UPDATE ${ident(table.name)} SET ${sets.join(', ')} WHERE ${whereSql(filter, p)}`;
}

export function deleteStatement(table: TableDef, filter: FilterNode, p: Params): string {
  return `DELETE FROM ${ident(table.name)} WHERE ${whereSql(filter, p)}`;
}
