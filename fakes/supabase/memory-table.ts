/**
 * One table of the memory store and its indexes. Row ids (rids) grow with every insert, and
 * every id list here (all rows, each plain-index bucket) is kept sorted by rid, i.e. in insertion
 * order. The table also tracks which columns have never gone down in insertion order (serial
 * ids, `now()` timestamps): ORDER BY on those is a walk of an id list, forwards or backwards,
 * so "latest N messages of a conversation" costs O(N) however long the conversation grows, and a
 * benchmark does not slow down as the fake fills up.
 */
import { randomUUID } from 'node:crypto';
import { notNullViolation, uniqueViolation } from './errors.ts';
import { compareValues } from './memory-filter.ts';
import type { Cond, Logic, OrderTerm } from './query.ts';
import type { Row } from './store.ts';
import { constraintName, findColumn, sameColumns, uniqueKeys, type ColumnDef, type TableDef } from './tables.ts';
import { keyText } from './values.ts';

export interface UniqueIndex {
  readonly columns: readonly string[];
  readonly constraint: string;
  /** Key (the value itself for one column, a joined string for several) -> rid. */
  readonly map: Map<unknown, number>;
}

/** Where a query's rows may be: sorted rids, and whether the filter is exactly that lookup. */
export interface Candidates {
  readonly rids: readonly number[];
  /** Every candidate matches (the filter was only this index lookup): counts need no scan. */
  readonly exact: boolean;
}

function insertSorted(list: number[], rid: number): void {
  if (list.length === 0 || list[list.length - 1] < rid) {
    list.push(rid);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < rid) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, rid);
}

function removeSorted(list: number[], rid: number): void {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] === rid) {
      list.splice(mid, 1);
      return;
    }
    if (list[mid] < rid) lo = mid + 1;
    else hi = mid - 1;
  }
}

export class MemoryTable {
  readonly rows = new Map<number, Row>();
  /** Every live rid, ascending. */
  readonly all: number[] = [];
  readonly uniques: UniqueIndex[];
  /** Plain indexes: column -> value -> rids ascending. */
  readonly plain = new Map<string, Map<unknown, number[]>>();
  /** Columns (not jsonb) whose values never decreased and were never NULL in rid order. */
  private readonly monotonic = new Map<string, boolean>();
  private lastRow: Row | null = null;
  private nextRid = 1;
  /** bigserial sequence; like PostgreSQL's, never rolled back. */
  private seq = 0;

  constructor(readonly def: TableDef) {
    this.uniques = uniqueKeys(def).map((columns) => ({ columns, constraint: constraintName(def, columns), map: new Map() }));
    for (const col of def.indexes) this.plain.set(col, new Map());
    for (const c of def.columns) if (c.type !== 'jsonb') this.monotonic.set(c.name, true);
  }

  uniqueFor(columns: readonly string[]): UniqueIndex | undefined {
    return this.uniques.find((u) => sameColumns(u.columns, columns));
  }

  /** NULL never conflicts (PostgreSQL's NULLS DISTINCT), hence null = "no key". */
  keyOf(u: UniqueIndex, row: Row): unknown {
    if (u.columns.length === 1) return row[u.columns[0]] ?? null;
    let key = '';
    for (const c of u.columns) {
      const v = row[c];
      if (v === null || v === undefined) return null;
      key += String(v) + '\u0001';
    }
    return key;
  }

  /** Throws 23505 when `row` would collide with another row than `self`. */
  checkUnique(row: Row, self?: number): void {
    for (const u of this.uniques) {
      const k = this.keyOf(u, row);
      if (k === null) continue;
      const other = u.map.get(k);
      if (other !== undefined && other !== self) {
        const values = u.columns.map((c) => keyText(findColumn(this.def, c)!.type, row[c]));
        throw uniqueViolation(u.constraint, u.columns, values);
      }
    }
  }

  checkNotNull(row: Row): void {
    for (const c of this.def.columns) if (c.notNull && (row[c.name] === null || row[c.name] === undefined)) throw notNullViolation(this.def, c.name);
  }

  /** Full row for an insert: payload values, then defaults for absent keys. */
  build(payload: Row, now: string): Row {
    const row: Row = {};
    for (const c of this.def.columns) {
      if (c.name in payload) row[c.name] = payload[c.name];
      else if (!c.default) row[c.name] = null;
      else if (c.default.kind === 'serial') row[c.name] = ++this.seq;
      else if (c.default.kind === 'uuid') row[c.name] = randomUUID();
      else if (c.default.kind === 'now') row[c.name] = now;
      else row[c.name] = c.default.value; // constants are shared, never mutated
    }
    return row;
  }

  add(row: Row): number {
    const rid = this.nextRid++;
    for (const [col, ok] of this.monotonic) {
      if (!ok) continue;
      const v = row[col];
      if (v === null || v === undefined || (this.lastRow && compareValues(this.type(col), v, this.lastRow[col]) < 0)) this.monotonic.set(col, false);
    }
    this.lastRow = row;
    this.rows.set(rid, row);
    this.all.push(rid);
    for (const u of this.uniques) {
      const k = this.keyOf(u, row);
      if (k !== null) u.map.set(k, rid);
    }
    for (const [col, map] of this.plain) {
      const v = row[col] ?? null;
      const list = map.get(v);
      if (list) insertSorted(list, rid);
      else map.set(v, [rid]);
    }
    return rid;
  }

  replace(rid: number, row: Row): void {
    const old = this.rows.get(rid)!;
    for (const [col, ok] of this.monotonic) if (ok && row[col] !== old[col]) this.monotonic.set(col, false);
    this.rows.set(rid, row);
    for (const u of this.uniques) {
      const before = this.keyOf(u, old);
      const after = this.keyOf(u, row);
      if (before === after) continue;
      if (before !== null && u.map.get(before) === rid) u.map.delete(before);
      if (after !== null) u.map.set(after, rid);
    }
    for (const [col, map] of this.plain) {
      const before = old[col] ?? null;
      const after = row[col] ?? null;
      if (before === after) continue;
      this.unlist(map, before, rid);
      const list = map.get(after);
      if (list) insertSorted(list, rid);
      else map.set(after, [rid]);
    }
  }

  remove(rid: number): void {
    const row = this.rows.get(rid)!;
    this.rows.delete(rid);
    removeSorted(this.all, rid);
    for (const u of this.uniques) {
      const k = this.keyOf(u, row);
      if (k !== null && u.map.get(k) === rid) u.map.delete(k);
    }
    for (const [col, map] of this.plain) this.unlist(map, row[col] ?? null, rid);
  }

  private unlist(map: Map<unknown, number[]>, value: unknown, rid: number): void {
    const list = map.get(value);
    if (!list) return;
    removeSorted(list, rid);
    if (list.length === 0) map.delete(value);
  }

  private type(col: string): ColumnDef['type'] {
    return findColumn(this.def, col)!.type;
  }

  /** Rows that may match: from an index when the filter has a top-level `col=eq.v` on one. */
  candidates(filter: Logic): Candidates {
    if (!filter.negate && filter.kind === 'and') {
      const exact = filter.children.length === 1;
      for (const child of filter.children) {
        if (child.kind !== 'cond' || child.op !== 'eq' || child.negate) continue;
        const c = child as Cond;
        const u = this.uniques.find((x) => x.columns.length === 1 && x.columns[0] === c.column.name);
        if (u) {
          const rid = u.map.get(c.value);
          return { rids: rid === undefined ? [] : [rid], exact };
        }
        const plain = this.plain.get(c.column.name);
        if (plain) return { rids: plain.get(c.value) ?? [], exact };
      }
    }
    return { rids: this.all, exact: filter.children.length === 0 && !filter.negate };
  }

  /**
   * 'asc' / 'desc' when rid order already is this ORDER BY (every term on a monotonic column, all
   * in one direction; such columns hold no NULLs, so NULLS FIRST/LAST does not matter), else null.
   */
  ridOrder(order: readonly OrderTerm[]): 'asc' | 'desc' | null {
    if (order.length === 0) return 'asc';
    const desc = order[0].desc;
    for (const t of order) if (t.desc !== desc || this.monotonic.get(t.column.name) !== true) return null;
    return desc ? 'desc' : 'asc';
  }
}
