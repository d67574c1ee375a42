/** The PostgREST query grammar and value coercion, on inputs supabase-js can produce. */
import { describe, expect, it } from 'vitest';
import { PgrstError } from './errors.ts';
import { parseQuery, splitList, type Cond, type Logic } from './query.ts';
import { findTable } from './tables.ts';
import { coerceValue, formatTimestampUs, parseTimestampUs } from './values.ts';

const messages = findTable('messages')!;
const parse = (qs: string) => parseQuery(messages, new URLSearchParams(qs));
const errorOf = (fn: () => unknown): PgrstError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof PgrstError) return e;
    throw e;
  }
  throw new Error('expected a PgrstError');
};

describe('parseQuery', () => {
  it('in.(...) handles quoted values with commas and parentheses', () => {
    const c = parse('role=in.(a,"b,c","(d)")').filter.children[0] as Cond;
    expect(c).toMatchObject({ op: 'in', value: ['a', 'b,c', '(d)'], negate: false });
  });

  it('logic trees nest, negate and unquote values', () => {
    const tree = parse('or=(content.eq."x,y",not.and(role.eq.user,id.gt.5))').filter.children[0] as Logic;
    expect(tree.kind).toBe('or');
    expect(tree.children[0]).toMatchObject({ kind: 'cond', op: 'eq', value: 'x,y' });
    expect(tree.children[1]).toMatchObject({ kind: 'and', negate: true });
    expect((tree.children[1] as Logic).children[1]).toMatchObject({ op: 'gt', value: 5 });
  });

  it('values are coerced to the column type; * in like is %', () => {
    expect((parse('id=eq.42').filter.children[0] as Cond).value).toBe(42);
    expect((parse('content=like.*ab*').filter.children[0] as Cond).value).toBe('%ab%');
    expect(errorOf(() => parse('id=eq.4x'))).toMatchObject({ status: 400, code: '22P02' });
  });

  it('select, order, limit, offset, columns, on_conflict', () => {
    const q = parse('select=id,text:content&order=created_at.desc.nullslast,id&limit=5&offset=10&columns="role","content"&on_conflict=idempotency_key');
    expect(q.projection!.map((i) => [i.alias, i.column.name])).toEqual([['id', 'id'], ['text', 'content']]);
    expect(q.order.map((o) => [o.column.name, o.desc, o.nullsFirst])).toEqual([['created_at', true, false], ['id', false, false]]);
    expect([q.limit, q.offset, q.columns, q.onConflict]).toEqual([5, 10, ['role', 'content'], ['idempotency_key']]);
    expect(parse('select=*').projection).toBeNull();
  });

  it('errors are PostgREST codes', () => {
    expect(errorOf(() => parse('id=zz.1'))).toMatchObject({ status: 400, code: 'PGRST100' });
    expect(errorOf(() => parse('content=fts.word')).details).toMatch(/"fts" is not supported by the overbench Supabase fake/);
    expect(errorOf(() => parse('id=cs.{1}'))).toMatchObject({ code: '42883' });
    expect((parse('metadata=cs.{"a":[1]}').filter.children[0] as Cond).value).toEqual({ a: [1] });
    expect(errorOf(() => parse('nope=eq.1'))).toMatchObject({ status: 400, code: '42703' });
    expect(errorOf(() => parse('select=*,conversations(*)'))).toMatchObject({ status: 400, code: 'PGRST200' });
    expect(errorOf(() => parse('limit=-1'))).toMatchObject({ code: 'PGRST100' });
    expect(errorOf(() => parse('columns="nope"'))).toMatchObject({ code: 'PGRST204' });
    expect(errorOf(() => parse('id=like.1%'))).toMatchObject({ code: '42883' });
  });

  it('splitList respects parentheses and quotes', () => {
    expect(splitList('a,b(c,d),"e,f",g')).toEqual(['a', 'b(c,d)', '"e,f"', 'g']);
  });
});

describe('values', () => {
  it('timestamps come out as PostgREST prints them, in UTC, microseconds, trailing zeros trimmed', () => {
    expect(coerceValue('timestamptz', '2026-01-02T05:04:00+02:00')).toBe('2026-01-02T03:04:00+00:00');
    expect(coerceValue('timestamptz', '2026-01-02 03:04:05.120Z')).toBe('2026-01-02T03:04:05.12+00:00');
    expect(coerceValue('timestamptz', '2026-01-02T03:04:05.1234567')).toBe('2026-01-02T03:04:05.123457+00:00');
    expect(coerceValue('timestamptz', '2026-01-02')).toBe('2026-01-02T00:00:00+00:00');
    expect(formatTimestampUs(parseTimestampUs('1969-12-31T23:59:59.5Z')!)).toBe('1969-12-31T23:59:59.5+00:00');
    expect(() => coerceValue('timestamptz', '2026-13-01')).toThrow(/timestamp with time zone/);
  });

  it('other types follow PostgreSQL input rules', () => {
    expect(coerceValue('bigint', '7')).toBe(7);
    expect(() => coerceValue('bigint', 1.5)).toThrow('invalid input syntax for type bigint: "1.5"');
    expect(coerceValue('text', 5)).toBe('5');
    expect(coerceValue('text', { a: 1 })).toBe('{"a":1}');
    expect(coerceValue('uuid', 'A0EEBC999C0B4EF8BB6D6BB9BD380A11')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(coerceValue('boolean', 'yes')).toBe(true);
    expect(coerceValue('jsonb', { a: [1] })).toEqual({ a: [1] });
    expect(coerceValue('integer', null)).toBeNull();
  });
});
