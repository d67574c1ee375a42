/**
 * Filters and ORDER BY for the memory store, with SQL semantics: three-valued logic (a comparison
 * with NULL is unknown, and NOT unknown is still unknown, so the row is left out), LIKE patterns,
 * and PostgreSQL's default NULL placement.
 */
import type { Cond, FilterNode, OrderTerm } from './query.ts';
import type { Row } from './store.ts';
import type { ColumnType } from './tables.ts';

/** true / false / null (unknown). */
type Truth = boolean | null;
export type Predicate = (row: Row) => Truth;

export function compareValues(type: ColumnType, a: unknown, b: unknown): number {
  if (type === 'jsonb') {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number') return (a as number) - (b as number);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
}

const likeCache = new Map<string, RegExp>();
function likeRegExp(pattern: string, insensitive: boolean): RegExp {
  const key = (insensitive ? 'i:' : 's:') + pattern;
  let re = likeCache.get(key);
  if (!re) {
    let src = '';
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '\\' && i + 1 < pattern.length) src += escapeRe(pattern[++i]);
      else if (ch === '%') src += '.*';
      else if (ch === '_') src += '.';
      else src += escapeRe(ch);
    }
    re = new RegExp(`^${src}$`, insensitive ? 'is' : 's');
    if (likeCache.size > 1000) likeCache.clear(); // bounded: patterns come from requests
    likeCache.set(key, re);
  }
  return re;
}
const escapeRe = (ch: string): string => ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** PostgreSQL's jsonb `a @> b`: b's structure is found in a (an array may also contain a bare scalar). */
export function jsonContains(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) {
    if (Array.isArray(b)) return b.every((x) => a.some((y) => jsonContains(y, x)));
    if (b !== null && typeof b === 'object') return false;
    return a.some((y) => !Array.isArray(y) && (y === null || typeof y !== 'object') && y === b);
  }
  if (a !== null && typeof a === 'object') {
    if (b === null || typeof b !== 'object' || Array.isArray(b)) return false;
    const obj = a as Record<string, unknown>;
    return Object.entries(b as Record<string, unknown>).every(([k, v]) => k in obj && jsonContains(obj[k], v));
  }
  return a === b;
}

function condPredicate(c: Cond): Predicate {
  const name = c.column.name;
  const type = c.column.type;
  const value = c.value;
  let test: Predicate;
  switch (c.op) {
    case 'is':
      test = value === null || value === 'unknown' ? (r) => r[name] === null || r[name] === undefined : (r) => (r[name] ?? null) === null ? false : r[name] === value;
      break;
    case 'in': {
      const list = value as unknown[];
      const keys = new Set(list.map((v) => (type === 'jsonb' ? JSON.stringify(v) : v)));
      test = (r) => {
        const v = r[name];
        if (v === null || v === undefined) return null;
        return keys.has(type === 'jsonb' ? JSON.stringify(v) : v);
      };
      break;
    }
    case 'cs':
    case 'cd': {
      const contained = c.op === 'cs';
      test = (r) => {
        const v = r[name];
        if (v === null || v === undefined) return null;
        return contained ? jsonContains(v, value) : jsonContains(value, v);
      };
      break;
    }
    case 'like':
    case 'ilike': {
      const re = likeRegExp(value as string, c.op === 'ilike');
      test = (r) => {
        const v = r[name];
        return v === null || v === undefined ? null : re.test(v as string);
      };
      break;
    }
    default: {
      if (value === null) return () => null;
      const op = c.op;
      test = (r) => {
        const v = r[name];
        if (v === null || v === undefined) return null;
        const d = compareValues(type, v, value);
        switch (op) {
          case 'eq': return d === 0;
          case 'neq': return d !== 0;
          case 'gt': return d > 0;
          case 'gte': return d >= 0;
          case 'lt': return d < 0;
          default: return d <= 0;
        }
      };
    }
  }
  if (!c.negate) return test;
  return (r) => {
    const t = test(r);
    return t === null ? null : !t;
  };
}

export function compilePredicate(node: FilterNode): Predicate {
  if (node.kind === 'cond') return condPredicate(node);
  const parts = node.children.map(compilePredicate);
  if (parts.length === 0) return () => true;
  if (parts.length === 1 && !node.negate) return parts[0];
  const isAnd = node.kind === 'and';
  const combined: Predicate = (r) => {
    let unknown = false;
    for (const p of parts) {
      const t = p(r);
      if (t === null) unknown = true;
      else if (t !== isAnd) return t; // AND: a false decides; OR: a true decides
    }
    return unknown ? null : isAnd;
  };
  if (!node.negate) return combined;
  return (r) => {
    const t = combined(r);
    return t === null ? null : !t;
  };
}

export function compileOrder(order: readonly OrderTerm[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const t of order) {
      const x = a[t.column.name] ?? null;
      const y = b[t.column.name] ?? null;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === t.nullsFirst ? -1 : 1;
      }
      const d = compareValues(t.column.type, x, y);
      if (d !== 0) return t.desc ? -d : d;
    }
    return 0;
  };
}
