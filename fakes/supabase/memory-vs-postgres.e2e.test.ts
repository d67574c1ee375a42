/**
 * Differential test: the same seeded sequence of PostgREST requests (inserts, upserts, updates,
 * deletes, filtered and ordered reads) against the memory store and a real PostgreSQL must give
 * the same statuses, Content-Ranges and bodies. PostgreSQL is the reference for the memory store.
 * Another sequence: OVERBENCH_DIFF_SEED=<n> npx vitest run fakes/supabase/memory-vs-postgres.e2e.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { createRng, type Rng } from '../../common/latency.ts';
import { MemoryStore } from './memory-store.ts';
import { startThrowawayCluster, type ThrowawayCluster } from './postgres-cluster.ts';
import { PostgresStore } from './postgres-store.ts';
import { handleRest, type RestRequest } from './rest.ts';
import type { Store } from './store.ts';

let cluster: ThrowawayCluster;
let pgStore: Store;
const memStore: Store = new MemoryStore();


const pick = <T,>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];

const CONVS = ['a', 'b', 'c'];
const CONTENTS = ['x', 'y', 'hello', 'Hello world', null];
const TIMES = ['2026-01-01T00:00:00+00:00', '2026-01-01T00:00:01.5+00:00', '2026-01-02T10:00:00+00:00'];
const METADATA = [null, {}, { kind: 'a' }, { kind: 'b', n: 1 }, { kind: 'a', n: 2, tags: ['x', 'y'] }, { tags: ['y'] }, ['x', 1]];
const KEYS = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
/** Every ORDER BY ends with id, so ties cannot make the two stores disagree. */
const ORDERS = ['id', 'id.desc', 'content,id', 'content.desc.nullsfirst,id', 'created_at.desc,id.desc', 'conversation_id,created_at,id', 'role.desc,id.desc'];
const FILTERS = [
  () => '',
  (r: Rng) => `conversation_id=eq.${pick(r, CONVS)}`,
  (r: Rng) => `role=neq.user&conversation_id=eq.${pick(r, CONVS)}`,
  (r: Rng) => `id=gt.${Math.floor(r() * 30)}`,
  (r: Rng) => `id=lte.${Math.floor(r() * 30)}&content=not.is.null`,
  () => 'content=is.null',
  () => 'content=ilike.*o*',
  () => 'content=in.(x,"Hello world")',
  (r: Rng) => `or=(content.eq.x,and(conversation_id.eq.${pick(r, CONVS)},role.eq.assistant))`,
  (r: Rng) => `created_at=gte.${pick(r, TIMES)}`,
  () => 'not.or=(content.is.null,content.eq.y)',
  (r: Rng) => `metadata=cs.${JSON.stringify(pick(r, [{ kind: 'a' }, { tags: ['y'] }, {}, ['x'], 'x', { n: 1, kind: 'b' }]))}`,
  (r: Rng) => `metadata=cd.${JSON.stringify(pick(r, [{ kind: 'a', n: 2 }, { kind: 'b', n: 1, tags: ['x', 'y'] }, ['x', 1, 2]]))}`,
];

function messageRow(rng: Rng, withKey: boolean): Record<string, unknown> {
  const row: Record<string, unknown> = {
    conversation_id: pick(rng, CONVS),
    role: pick(rng, ['user', 'assistant']),
    content: pick(rng, CONTENTS),
    created_at: pick(rng, TIMES),
    metadata: pick(rng, METADATA),
  };
  if (withKey) row.idempotency_key = pick(rng, KEYS);
  return row;
}

/** One random request; both stores get the very same one. */
function randomRequest(rng: Rng): RestRequest {
  const base = { path: 'messages', body: Buffer.alloc(0) };
  const roll = rng();
  if (roll < 0.3) {
    const rows = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => messageRow(rng, rng() < 0.5));
    const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].map((c) => `"${c}"`).join(',');
    // missing=default: keys a row lacks take the column default instead of NULL.
    const prefer = rng() < 0.3 ? 'return=representation, missing=default' : 'return=representation';
    return { ...base, method: 'POST', params: new URLSearchParams(`columns=${cols}&select=*`), headers: { prefer }, body: Buffer.from(JSON.stringify(rows)) };
  }
  if (roll < 0.4) {
    const row = { ...messageRow(rng, false), idempotency_key: pick(rng, KEYS) };
    const ignore = rng() < 0.3;
    return {
      ...base,
      method: 'POST',
      params: new URLSearchParams('on_conflict=idempotency_key&select=id,content,idempotency_key'),
      headers: { prefer: `resolution=${ignore ? 'ignore' : 'merge'}-duplicates,return=representation` },
      body: Buffer.from(JSON.stringify(row)),
    };
  }
  if (roll < 0.5) {
    const patch = rng() < 0.5 ? { content: pick(rng, CONTENTS) } : { idempotency_key: pick(rng, KEYS) };
    return { ...base, method: 'PATCH', params: new URLSearchParams(`${pick(rng, FILTERS.slice(1))(rng)}&select=id,content,idempotency_key`), headers: { prefer: 'return=representation' }, body: Buffer.from(JSON.stringify(patch)) };
  }
  if (roll < 0.55) {
    return { ...base, method: 'DELETE', params: new URLSearchParams(`${pick(rng, FILTERS.slice(1))(rng)}&select=id`), headers: { prefer: 'return=representation' } };
  }
  let qs = `select=id,conversation_id,role,content,created_at,idempotency_key,metadata&${pick(rng, FILTERS)(rng)}&order=${pick(rng, ORDERS)}`;
  if (rng() < 0.6) qs += `&limit=${Math.floor(rng() * 6)}`;
  if (rng() < 0.3) qs += `&offset=${Math.floor(rng() * 4)}`;
  return { ...base, method: 'GET', params: new URLSearchParams(qs), headers: rng() < 0.5 ? { prefer: 'count=exact' } : {} };
}

/** Status, range and body; rows written without ORDER BY come back in any order, so sort those by id. */
function view(r: { status: number; headers: Record<string, string>; body: string | Buffer }, method: string) {
  let body = r.body.length > 0 ? JSON.parse(String(r.body)) : null;
  if (method !== 'GET' && Array.isArray(body)) body = [...body].sort((a: { id: number }, b: { id: number }) => a.id - b.id);
  return { status: r.status, range: r.headers['content-range'], body };
}

describeWithDeps(['postgres'], 'memory store vs PostgreSQL', () => {
  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    pgStore = await PostgresStore.open(cluster.connection);
  });
  afterAll(async () => {
    await pgStore?.close();
    await cluster?.close();
  });
  it('agree on 400 random requests (seeded)', async () => {
    const rng = createRng(Number(process.env.OVERBENCH_DIFF_SEED ?? 20261127));
    const statuses = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const req = randomRequest(rng);
      const [mem, pg] = [view(await handleRest(memStore, req), req.method), view(await handleRest(pgStore, req), req.method)];
      // Errors (unique violations...) included: same status, code, message and details.
      expect(mem, `request #${i}: ${req.method} ?${req.params} ${req.body}`).toEqual(pg);
      statuses.add(pg.status);
    }
    // The sequence exercised reads, partial pages, writes and conflicts.
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 201, 206, 409]));
  });

  it('agree on default timestamps ordering and on "latest N" reads after many inserts', async () => {
    for (let i = 0; i < 30; i++) {
      const req: RestRequest = {
        method: 'POST', path: 'messages', params: new URLSearchParams(), headers: {},
        body: Buffer.from(JSON.stringify({ conversation_id: 'latest', role: 'user', content: `n${i}` })),
      };
      expect((await handleRest(memStore, req)).status).toBe(201);
      expect((await handleRest(pgStore, req)).status).toBe(201);
    }
    for (const qs of ['order=created_at.desc,id.desc&limit=5', 'order=created_at&limit=3&offset=2', 'order=id.desc&limit=4&content=like.n1*']) {
      const req: RestRequest = { method: 'GET', path: 'messages', params: new URLSearchParams(`select=content&conversation_id=eq.latest&${qs}`), headers: { prefer: 'count=exact' }, body: Buffer.alloc(0) };
      expect(view(await handleRest(memStore, req), 'GET'), qs).toEqual(view(await handleRest(pgStore, req), 'GET'));
    }
  });
});
