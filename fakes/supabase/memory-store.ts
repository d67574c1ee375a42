/**
 * In-memory store: the Store operations over MemoryTables (memory-table.ts: hash indexes for
 * unique keys and declared plain indexes, insertion-ordered id lists), so inserts, upserts,
 * equality lookups and "latest N" reads cost O(1)/O(N) and the fake stays far from being a
 * benchmark's bottleneck. Every write keeps an undo log and rolls back on error, so a failed
 * statement changes nothing (as in PostgreSQL).
 */
import { randomUUID } from 'node:crypto';
import { PgrstError, noConflictTarget, notSingle } from './errors.ts';
import { compileOrder, compilePredicate } from './memory-filter.ts';
import { MemoryTable } from './memory-table.ts';
import type { Logic } from './query.ts';
import { project, type DeleteRequest, type InsertRequest, type PutObject, type Row, type SelectRequest, type SelectResult, type Store, type StoredObject, type UpdateRequest, type WriteResult } from './store.ts';
import { TABLES, type TableDef } from './tables.ts';
import { formatTimestampUs, nowUs } from './values.ts';

/** Undo log of one statement: applied in reverse when the statement fails. */
type Undo = (() => void)[];
function rollback(undo: Undo): void {
  for (let i = undo.length - 1; i >= 0; i--) undo[i]();
}

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly tables = new Map<TableDef, MemoryTable>(TABLES.map((t) => [t, new MemoryTable(t)]));
  private readonly objects = new Map<string, StoredObject>();

  private table(def: TableDef): MemoryTable {
    return this.tables.get(def)!;
  }

  private matching(t: MemoryTable, filter: Logic): number[] {
    const pred = compilePredicate(filter);
    const out: number[] = [];
    for (const rid of t.candidates(filter).rids) if (pred(t.rows.get(rid)!) === true) out.push(rid);
    return out;
  }

  async select(req: SelectRequest): Promise<SelectResult> {
    const t = this.table(req.table);
    const pred = compilePredicate(req.filter);
    const { rids, exact } = t.candidates(req.filter);
    const direction = t.ridOrder(req.order);
    let rows: Row[] = [];
    let total: number | null = null;
    if (direction !== null) {
      // Already in ORDER BY order: walk until the page is full (and the count known).
      const end = req.limit === null ? Infinity : req.offset + req.limit;
      const desc = direction === 'desc';
      let matched = 0;
      for (let i = desc ? rids.length - 1 : 0; desc ? i >= 0 : i < rids.length; desc ? i-- : i++) {
        const row = t.rows.get(rids[i])!;
        if (pred(row) !== true) continue;
        if (matched >= req.offset && matched < end) rows.push(row);
        matched++;
        if (matched >= end && (!req.count || exact)) break;
      }
      if (req.count) total = exact ? rids.length : matched;
    } else {
      for (const rid of rids) {
        const row = t.rows.get(rid)!;
        if (pred(row) === true) rows.push(row);
      }
      if (req.count) total = rows.length;
      rows.sort(compileOrder(req.order));
      if (req.offset > 0 || req.limit !== null) rows = rows.slice(req.offset, req.limit === null ? undefined : req.offset + req.limit);
    }
    if (req.projection !== null) rows = rows.map((r) => project(r, req.projection));
    return { rows, total };
  }

  async insert(req: InsertRequest): Promise<WriteResult> {
    const t = this.table(req.table);
    const target = req.conflict ? t.uniqueFor(req.conflict.target) : undefined;
    if (req.conflict && !target) throw noConflictTarget();
    const now = formatTimestampUs(nowUs()); // one now() per statement, as in PostgreSQL
    const undo: Undo = [];
    const touched = new Set<number>();
    const out: Row[] = [];
    let affected = 0;
    try {
      for (const payload of req.rows) {
        const row = t.build(payload, now);
        const key = target ? t.keyOf(target, row) : null;
        const existing = key === null ? undefined : target!.map.get(key);
        if (existing !== undefined) {
          if (req.conflict!.resolution === 'ignore') continue;
          if (touched.has(existing)) {
            throw new PgrstError(400, '21000', 'ON CONFLICT DO UPDATE command cannot affect row a second time', null,
              'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.');
          }
          const old = t.rows.get(existing)!;
          const merged: Row = { ...old };
          for (const c of req.columns) merged[c] = row[c];
          t.checkNotNull(merged);
          t.checkUnique(merged, existing);
          t.replace(existing, merged);
          undo.push(() => t.replace(existing, old));
          touched.add(existing);
          affected++;
          if (req.returning !== false) out.push(project(merged, req.returning));
          continue;
        }
        t.checkNotNull(row);
        t.checkUnique(row);
        const rid = t.add(row);
        undo.push(() => t.remove(rid));
        touched.add(rid);
        affected++;
        if (req.returning !== false) out.push(project(row, req.returning));
      }
      if (req.expectOne && affected !== 1) throw notSingle(affected);
    } catch (e) {
      rollback(undo);
      throw e;
    }
    return { rows: out, affected };
  }

  async update(req: UpdateRequest): Promise<WriteResult> {
    const t = this.table(req.table);
    const undo: Undo = [];
    const out: Row[] = [];
    const rids = this.matching(t, req.filter);
    try {
      for (const rid of rids) {
        const old = t.rows.get(rid)!;
        const row: Row = { ...old, ...req.patch };
        t.checkNotNull(row);
        t.checkUnique(row, rid);
        t.replace(rid, row);
        undo.push(() => t.replace(rid, old));
        if (req.returning !== false) out.push(project(row, req.returning));
      }
      if (req.expectOne && rids.length !== 1) throw notSingle(rids.length);
    } catch (e) {
      rollback(undo);
      throw e;
    }
    return { rows: out, affected: rids.length };
  }

  async delete(req: DeleteRequest): Promise<WriteResult> {
    const t = this.table(req.table);
    const rids = this.matching(t, req.filter);
    if (req.expectOne && rids.length !== 1) throw notSingle(rids.length);
    const out: Row[] = [];
    for (const rid of rids) {
      const row = t.rows.get(rid)!;
      t.remove(rid);
      if (req.returning !== false) out.push(project(row, req.returning));
    }
    return { rows: out, affected: rids.length };
  }

  async putObject(obj: PutObject): Promise<string | null> {
    const key = `${obj.bucket}/${obj.name}`;
    const existing = this.objects.get(key);
    if (existing && !obj.upsert) return null;
    const id = existing?.id ?? randomUUID();
    this.objects.set(key, { id, bucket: obj.bucket, name: obj.name, contentType: obj.contentType, bytes: obj.bytes });
    return id;
  }

  async getObject(bucket: string, name: string): Promise<StoredObject | null> {
    return this.objects.get(`${bucket}/${name}`) ?? null;
  }

  async close(): Promise<void> {
    this.tables.clear();
    this.objects.clear();
  }
}
