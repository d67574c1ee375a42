/**
 * PostgREST query-string grammar, the subset supabase-js v2 emits: `select`, column filters
 * (`col=op.value`, `col=not.op.value`), logic trees (`or=(a.eq.1,and(b.gt.2,c.is.null))`),
 * `order`, `limit`, `offset`, and for writes `columns` and `on_conflict`. The result is typed
 * against the table so both stores get validated, coerced values.
 */
import { PgrstError, parseError, unknownColumn, unknownPayloadColumn } from './errors.ts';
import { findColumn, type ColumnDef, type TableDef } from './tables.ts';
import { coerceFilterText } from './values.ts';

export type Op = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'in' | 'is' | 'cs' | 'cd';
export type IsValue = null | true | false | 'unknown';

export interface Cond {
  readonly kind: 'cond';
  readonly column: ColumnDef;
  readonly op: Op;
  /** Coerced value; an array for `in`, an IsValue for `is`, a LIKE pattern (`%`, `_`) for like/ilike, JSON for cs/cd. */
  readonly value: unknown;
  readonly negate: boolean;
}
export interface Logic {
  readonly kind: 'and' | 'or';
  readonly negate: boolean;
  readonly children: readonly FilterNode[];
}
export type FilterNode = Cond | Logic;

export interface OrderTerm {
  readonly column: ColumnDef;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}
export interface SelectItem {
  readonly column: ColumnDef;
  readonly alias: string;
}
/** null = every column in table order (`select=*`, the common case, kept allocation-free). */
export type Projection = readonly SelectItem[] | null;

export interface ParsedQuery {
  readonly projection: Projection;
  readonly filter: Logic;
  readonly order: readonly OrderTerm[];
  readonly limit: number | null;
  readonly offset: number;
  /** `columns` of a bulk insert, quoted names unquoted. */
  readonly columns: readonly string[] | null;
  readonly onConflict: readonly string[] | null;
}

const OPS = new Set<string>(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'in', 'is', 'cs', 'cd']);
const IS_VALUES: Record<string, IsValue> = { null: null, true: true, false: false, unknown: 'unknown' };

export function parseQuery(table: TableDef, params: URLSearchParams): ParsedQuery {
  let projection: Projection = null;
  let order: OrderTerm[] = [];
  let limit: number | null = null;
  let offset = 0;
  let columns: string[] | null = null;
  let onConflict: string[] | null = null;
  const conds: FilterNode[] = [];
  for (const [key, value] of params) {
    switch (key) {
      case 'select':
        projection = parseSelect(table, value);
        break;
      case 'order':
        order = parseOrder(table, value);
        break;
      case 'limit':
        limit = parseCount('limit', value);
        break;
      case 'offset':
        offset = parseCount('offset', value);
        break;
      case 'columns':
        columns = splitList(value).map((c) => requirePayloadColumn(table, unquote(c.trim())).name);
        break;
      case 'on_conflict':
        onConflict = value.split(',').map((c) => requireColumn(table, c.trim()).name);
        break;
      case 'or':
      case 'and':
        conds.push(parseLogic(table, key, false, value));
        break;
      case 'not.or':
      case 'not.and':
        conds.push(parseLogic(table, key.slice(4) as 'or' | 'and', true, value));
        break;
      default:
        if (key.includes('->')) throw parseError(`filter (${key})`, 'JSON path filters are not supported by the overbench Supabase fake');
        if (key.includes('.')) {
          const prefix = key.slice(0, key.indexOf('.'));
          throw new PgrstError(400, 'PGRST108', `'${prefix}' is not an embedded resource in this request`, null,
            `Verify that '${prefix}' is included in the 'select' query parameter.`);
        }
        conds.push(parseCond(table, requireColumn(table, key), value, false));
    }
  }
  return { projection, filter: { kind: 'and', negate: false, children: conds }, order, limit, offset, columns, onConflict };
}

function requireColumn(table: TableDef, name: string): ColumnDef {
  const col = findColumn(table, name);
  if (!col) throw unknownColumn(table, name);
  return col;
}

export function requirePayloadColumn(table: TableDef, name: string): ColumnDef {
  const col = findColumn(table, name);
  if (!col) throw unknownPayloadColumn(table, name);
  return col;
}

function parseCount(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw parseError(`${name} parameter (${value})`, `${name} must be a non-negative integer`);
  return Number(value);
}

function parseSelect(table: TableDef, text: string): Projection {
  const items = splitList(text).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0 || (items.length === 1 && items[0] === '*')) return null;
  const out: SelectItem[] = [];
  for (const item of items) {
    if (item === '*') {
      for (const column of table.columns) out.push({ column, alias: column.name });
      continue;
    }
    const aliased = /^([^:()]+):(?!:)(.+)$/.exec(item);
    const alias = aliased ? aliased[1] : null;
    const rest = aliased ? aliased[2] : item;
    const paren = rest.indexOf('(');
    if (/^(count|sum|avg|min|max)\(\)$/.test(rest) || rest.includes('.count()')) {
      throw parseError(`select parameter (${text})`, `aggregates ("${item}") are not supported by the overbench Supabase fake`);
    }
    if (paren > 0) {
      const other = rest.slice(0, paren).replace(/!.*$/, '');
      throw new PgrstError(400, 'PGRST200', `Could not find a relationship between '${table.name}' and '${other}' in the schema cache`, null, null);
    }
    if (rest.includes('::') || rest.includes('->')) {
      throw parseError(`select parameter (${text})`, `casts and JSON paths ("${item}") are not supported by the overbench Supabase fake`);
    }
    const column = requireColumn(table, rest);
    out.push({ column, alias: alias ?? column.name });
  }
  return out;
}

function parseOrder(table: TableDef, text: string): OrderTerm[] {
  return splitList(text).map((term) => {
    const [name, ...mods] = term.trim().split('.');
    const column = requireColumn(table, name);
    let desc = false;
    let nullsFirst: boolean | null = null;
    for (const m of mods) {
      if (m === 'asc') desc = false;
      else if (m === 'desc') desc = true;
      else if (m === 'nullsfirst') nullsFirst = true;
      else if (m === 'nullslast') nullsFirst = false;
      else throw parseError(`order (${text})`, `unexpected "${m}" expecting "asc", "desc", "nullsfirst" or "nullslast"`);
    }
    // PostgreSQL's defaults: NULLS LAST ascending, NULLS FIRST descending.
    return { column, desc, nullsFirst: nullsFirst ?? desc };
  });
}

/** `op.value` or `not.op.value` for one column. `inTree`: values may be double-quoted. */
function parseCond(table: TableDef, column: ColumnDef, expr: string, inTree: boolean): Cond {
  let rest = expr;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  const op = dot < 0 ? rest : rest.slice(0, dot);
  if (dot < 0 || !OPS.has(op)) {
    const known = dot >= 0 && /^[a-z]+$/.test(op) ? ` (operator "${op}" is not supported by the overbench Supabase fake)` : '';
    throw parseError(`filter (${expr})`, `unexpected "${expr}" expecting an operator such as eq, neq, gt, in, is${known}`);
  }
  let raw = rest.slice(dot + 1);
  if (inTree && op !== 'in' && raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = unquote(raw);
  return { kind: 'cond', column, op: op as Op, value: condValue(column, op as Op, raw, expr), negate };
}

function condValue(column: ColumnDef, op: Op, raw: string, expr: string): unknown {
  switch (op) {
    case 'is':
      if (!(raw.toLowerCase() in IS_VALUES)) throw parseError(`filter (${expr})`, 'unexpected value, expecting null, true, false or unknown');
      if (raw.toLowerCase() !== 'null' && column.type !== 'boolean') {
        throw new PgrstError(400, '42804', `argument of IS ${raw.toUpperCase()} must be type boolean, not type ${column.type}`);
      }
      return IS_VALUES[raw.toLowerCase()];
    case 'like':
    case 'ilike':
      if (column.type !== 'text') {
        throw new PgrstError(404, '42883', `operator does not exist: ${column.type} ${op === 'like' ? '~~' : '~~*'} unknown`, null,
          'No operator matches the given name and argument types. You might need to add explicit type casts.');
      }
      // PostgREST accepts `*` for `%` so patterns survive URLs unencoded.
      return raw.replace(/\*/g, '%');
    case 'cs':
    case 'cd':
      // Containment is implemented for jsonb (`.contains()` / `.containedBy()` on a json column).
      if (column.type !== 'jsonb') {
        throw new PgrstError(404, '42883', `operator does not exist: ${column.type} ${op === 'cs' ? '@>' : '<@'} unknown`, null,
          'No operator matches the given name and argument types. You might need to add explicit type casts.');
      }
      return coerceFilterText('jsonb', raw);
    case 'in': {
      if (!raw.startsWith('(') || !raw.endsWith(')')) throw parseError(`filter (${expr})`, 'expecting a list "(a,b,c)"');
      const inner = raw.slice(1, -1);
      const items = inner === '' ? [] : splitList(inner).map(unquote);
      return items.map((v) => coerceFilterText(column.type, v));
    }
    default:
      return coerceFilterText(column.type, raw);
  }
}

function parseLogic(table: TableDef, kind: 'and' | 'or', negate: boolean, text: string): Logic {
  if (!text.startsWith('(') || !text.endsWith(')')) throw parseError(`logic tree (${text})`, 'expecting "(" ... ")"');
  const children = splitList(text.slice(1, -1)).map((item): FilterNode => {
    const m = /^(not\.)?(and|or)(\(.*\))$/s.exec(item);
    if (m) return parseLogic(table, m[2] as 'and' | 'or', m[1] !== undefined, m[3]);
    const dot = item.indexOf('.');
    if (dot <= 0) throw parseError(`logic tree (${text})`, `unexpected "${item}" expecting "column.operator.value"`);
    return parseCond(table, requireColumn(table, item.slice(0, dot)), item.slice(dot + 1), true);
  });
  return { kind, negate, children };
}

/** Split on commas that are outside parentheses and double quotes. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function unquote(s: string): string {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) return s.slice(1, -1).replace(/\\(.)/g, '$1');
  return s;
}
