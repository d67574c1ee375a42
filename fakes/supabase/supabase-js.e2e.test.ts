/**
 * Conformance of the Supabase fake with the real supabase-js v2 client, every call shape the
 * daemon may use, against BOTH stores: the same expectations must hold in memory and on a real
 * PostgreSQL (a throwaway cluster started once for the postgres block).
 */
import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { startSupabaseFake, type RunningSupabaseFake } from './server.ts';

const TS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?\+00:00$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Fresh ids per test: the tables are shared by every test of a block. */
const uid = (prefix: string): string => `${prefix}-${randomUUID()}`;

for (const kind of ['memory', 'postgres'] as const) describeWithDeps(kind === 'postgres' ? ['postgres'] : [], `supabase-js against the ${kind} store`, () => {
  let fake: RunningSupabaseFake;
  let sb: SupabaseClient;

  beforeAll(async () => {
    fake = await startSupabaseFake({ store: kind });
    sb = createClient(fake.url, 'anon-key', { auth: { persistSession: false } });
  });
  afterAll(async () => {
    await fake?.close();
  });

  /** A conversation with `n` messages m0..m(n-1); roles alternate user/assistant. */
  async function seedConversation(n: number): Promise<{ conversationId: string; ids: number[] }> {
    const conversationId = uid('conv');
    const rows = Array.from({ length: n }, (_, i) => ({
      conversation_id: conversationId,
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `m${i}`,
      metadata: { i },
    }));
    const { data, error } = await sb.from('messages').insert(rows).select('id');
    expect(error).toBeNull();
    return { conversationId, ids: (data as { id: number }[]).map((r) => r.id) };
  }

  it('reports its store kind', () => {
    expect(fake.storeKind).toBe(kind);
  });

  it('insert one row: 201 Created, empty body, defaults generated', async () => {
    const sessionId = uid('sess');
    const res = await sb.from('conversations').insert({ session_id: sessionId, title: 'hello' });
    expect(res).toMatchObject({ error: null, data: null, status: 201, statusText: 'Created' });
    const { data, error } = await sb.from('conversations').select('*').eq('session_id', sessionId).single();
    expect(error).toBeNull();
    expect(data.id).toMatch(UUID_RE);
    expect(data.created_at).toMatch(TS_RE);
    expect(data.updated_at).toBe(data.created_at);
    expect(data.metadata).toEqual({});
    expect(Object.keys(data)).toEqual(['id', 'session_id', 'title', 'created_at', 'updated_at', 'metadata']);
  });

  it('insert an array (columns=...): missing keys are NULL, absent columns take defaults', async () => {
    const conversationId = uid('conv');
    const res = await sb.from('messages').insert([
      { conversation_id: conversationId, role: 'user', content: 'a' },
      { conversation_id: conversationId, role: 'assistant', metadata: { tokens: 3 } },
    ]);
    expect(res.status).toBe(201);
    expect(res.error).toBeNull();
    const { data } = await sb.from('messages').select('id,content,metadata,created_at').eq('conversation_id', conversationId).order('id');
    expect(data).toHaveLength(2);
    // `metadata` was named by the bulk (columns) so the first row gets NULL, not the default.
    expect(data![0]).toMatchObject({ content: 'a', metadata: null });
    expect(data![1]).toMatchObject({ content: null, metadata: { tokens: 3 } });
    expect(data![1].id).toBeGreaterThan(data![0].id);
    // One now() per statement, as PostgreSQL does.
    expect(data![0].created_at).toBe(data![1].created_at);
    // defaultToNull: false sends Prefer: missing=default: absent keys take the column default.
    const other = uid('conv');
    const withDefaults = await sb
      .from('messages')
      .insert([{ conversation_id: other, role: 'user', content: 'a' }, { conversation_id: other, role: 'user', metadata: { n: 1 } }], { defaultToNull: false })
      .select('content, metadata');
    expect(withDefaults.error).toBeNull();
    expect(withDefaults.data).toEqual([{ content: 'a', metadata: {} }, { content: null, metadata: { n: 1 } }]);
  });

  it('a bulk insert of 25,000 rows is one statement (past the 65,535 bind-parameter limit)', async () => {
    const conversationId = uid('bulk');
    const rows = Array.from({ length: 25_000 }, (_, i) => ({ conversation_id: conversationId, role: 'user', content: `r${i}` }));
    // The request supabase-js sends for insert(rows, { count: 'exact' }), sent with fetch: the
    // client computes `columns` with a quadratic reduce/concat (~40 s for 25,000 rows here).
    const res = await fetch(`${fake.url}/rest/v1/messages?columns=${encodeURIComponent('"conversation_id","role","content"')}`, {
      method: 'POST',
      headers: { apikey: 'anon-key', authorization: 'Bearer anon-key', 'content-type': 'application/json', 'content-profile': 'public', prefer: 'count=exact' },
      body: JSON.stringify(rows),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-range')).toBe('*/25000');
    const last = await sb.from('messages').select('content').eq('conversation_id', conversationId).order('id', { ascending: false }).limit(1).single();
    expect(last.data).toEqual({ content: 'r24999' });
  });

  it('insert + select() returns the rows (Prefer: return=representation)', async () => {
    const conversationId = uid('conv');
    const { data, error, status } = await sb
      .from('messages')
      .insert({ conversation_id: conversationId, role: 'user', content: 'hi', idempotency_key: uid('k') })
      .select();
    expect(error).toBeNull();
    expect(status).toBe(201);
    expect(data).toHaveLength(1);
    expect(data![0]).toMatchObject({ conversation_id: conversationId, role: 'user', content: 'hi', metadata: {} });
    expect(typeof data![0].id).toBe('number');
    expect(data![0].created_at).toMatch(TS_RE);
  });

  it('insert + select(cols).single() returns one object with the chosen columns', async () => {
    const { data, error } = await sb.from('conversations').insert({ id: uid('c'), title: 't' }).select('id, title').single();
    expect(error).toBeNull();
    expect(Object.keys(data!)).toEqual(['id', 'title']);
  });

  it('select with eq, neq, gt, gte, lt, lte filters', async () => {
    const { conversationId, ids } = await seedConversation(6);
    const q = () => sb.from('messages').select('id').eq('conversation_id', conversationId).order('id');
    const pick = async (p: PromiseLike<{ data: { id: number }[] | null; error: unknown }>) => {
      const { data, error } = await p;
      expect(error).toBeNull();
      return data!.map((r) => ids.indexOf(r.id));
    };
    expect(await pick(q())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await pick(q().neq('role', 'user'))).toEqual([1, 3, 5]);
    expect(await pick(q().gt('id', ids[3]))).toEqual([4, 5]);
    expect(await pick(q().gte('id', ids[3]))).toEqual([3, 4, 5]);
    expect(await pick(q().lt('id', ids[2]))).toEqual([0, 1]);
    expect(await pick(q().lte('id', ids[2]))).toEqual([0, 1, 2]);
    expect(await pick(q().gte('content', 'm2').lt('content', 'm4'))).toEqual([2, 3]);
  });

  it('select with in, is, like, ilike, not, or', async () => {
    const { conversationId, ids } = await seedConversation(5);
    await sb.from('messages').update({ content: null }).eq('id', ids[4]);
    await sb.from('messages').update({ content: 'Hello, (world)' }).eq('id', ids[3]);
    const q = () => sb.from('messages').select('id').eq('conversation_id', conversationId).order('id');
    const pick = async (p: PromiseLike<{ data: { id: number }[] | null; error: unknown }>) => {
      const { data, error } = await p;
      expect(error).toBeNull();
      return data!.map((r) => ids.indexOf(r.id));
    };
    expect(await pick(q().in('content', ['m0', 'm2', 'Hello, (world)']))).toEqual([0, 2, 3]);
    expect(await pick(q().in('content', []))).toEqual([]);
    expect(await pick(q().is('content', null))).toEqual([4]);
    expect(await pick(q().not('content', 'is', null))).toEqual([0, 1, 2, 3]);
    expect(await pick(q().like('content', 'm%'))).toEqual([0, 1, 2]);
    expect(await pick(q().like('content', '%(world)'))).toEqual([3]);
    expect(await pick(q().ilike('content', 'hello%'))).toEqual([3]);
    expect(await pick(q().like('content', 'hello%'))).toEqual([]);
    // NULL never matches a comparison, negated or not.
    expect(await pick(q().neq('content', 'm0'))).toEqual([1, 2, 3]);
    expect(await pick(q().or('content.eq.m1,content.eq.m2'))).toEqual([1, 2]);
    expect(await pick(q().or('content.is.null,and(role.eq.user,content.like.m*)'))).toEqual([0, 2, 4]);
  });

  it('contains / containedBy on a jsonb column (cs, cd)', async () => {
    const { conversationId, ids } = await seedConversation(3);
    await sb.from('messages').update({ metadata: { i: 1, tags: ['a', 'b'], model: { name: 'glm' } } }).eq('id', ids[1]);
    const q = () => sb.from('messages').select('id').eq('conversation_id', conversationId).order('id');
    const idx = (data: { id: number }[] | null) => data!.map((r) => ids.indexOf(r.id));
    expect(idx((await q().contains('metadata', { model: { name: 'glm' } })).data)).toEqual([1]);
    expect(idx((await q().contains('metadata', { tags: ['b'] })).data)).toEqual([1]);
    expect(idx((await q().contains('metadata', { i: 2 })).data)).toEqual([2]);
    expect(idx((await q().containedBy('metadata', { i: 0, other: true })).data)).toEqual([0]);
  });

  it('order (desc, nulls first/last), limit, range', async () => {
    const { conversationId, ids } = await seedConversation(6);
    await sb.from('messages').update({ content: null }).eq('id', ids[2]);
    const idx = (data: { id: number }[] | null) => data!.map((r) => ids.indexOf(r.id));
    const base = () => sb.from('messages').select('id').eq('conversation_id', conversationId);
    expect(idx((await base().order('id', { ascending: false })).data)).toEqual([5, 4, 3, 2, 1, 0]);
    expect(idx((await base().order('id', { ascending: false }).limit(2)).data)).toEqual([5, 4]);
    expect(idx((await base().order('id').range(1, 3)).data)).toEqual([1, 2, 3]);
    // PostgreSQL defaults: ASC puts NULL last, DESC first.
    expect(idx((await base().order('content')).data)).toEqual([0, 1, 3, 4, 5, 2]);
    expect(idx((await base().order('content', { ascending: false })).data)).toEqual([2, 5, 4, 3, 1, 0]);
    expect(idx((await base().order('content', { nullsFirst: true })).data)).toEqual([2, 0, 1, 3, 4, 5]);
    expect(idx((await base().order('role').order('id', { ascending: false })).data)).toEqual([5, 3, 1, 4, 2, 0]);
  });

  it('select with aliases', async () => {
    const { conversationId } = await seedConversation(1);
    const { data } = await sb.from('messages').select('text:content, role').eq('conversation_id', conversationId);
    expect(data).toEqual([{ text: 'm0', role: 'user' }]);
  });

  it('single(): one row is an object; 0 or 2 rows are 406 PGRST116', async () => {
    const { conversationId, ids } = await seedConversation(2);
    const one = await sb.from('messages').select('content').eq('id', ids[0]).single();
    expect(one).toMatchObject({ error: null, data: { content: 'm0' }, status: 200 });
    const none = await sb.from('messages').select().eq('id', -1).single();
    expect(none.status).toBe(406);
    expect(none.statusText).toBe('Not Acceptable');
    expect(none.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 0 rows', message: 'Cannot coerce the result to a single JSON object' });
    const two = await sb.from('messages').select().eq('conversation_id', conversationId).single();
    expect(two.status).toBe(406);
    expect(two.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 2 rows' });
  });

  it('maybeSingle(): 0 rows is null without error, 1 row an object', async () => {
    const { ids } = await seedConversation(1);
    expect(await sb.from('messages').select('content').eq('id', -1).maybeSingle()).toMatchObject({ data: null, error: null, status: 200 });
    expect(await sb.from('messages').select('content').eq('id', ids[0]).maybeSingle()).toMatchObject({ data: { content: 'm0' }, error: null });
  });

  it('upsert with onConflict merges (resolution=merge-duplicates), ignoreDuplicates keeps the old row', async () => {
    const key = uid('idem');
    const conversationId = uid('conv');
    const first = await sb.from('messages').insert({ conversation_id: conversationId, role: 'user', content: 'v1', idempotency_key: key }).select('id').single();
    const merged = await sb
      .from('messages')
      .upsert({ conversation_id: conversationId, role: 'user', content: 'v2', idempotency_key: key }, { onConflict: 'idempotency_key' })
      .select('id, content');
    expect(merged.error).toBeNull();
    expect(merged.status).toBe(201);
    expect(merged.data).toEqual([{ id: first.data!.id, content: 'v2' }]);
    const ignored = await sb
      .from('messages')
      .upsert([{ conversation_id: conversationId, role: 'user', content: 'v3', idempotency_key: key }], { onConflict: 'idempotency_key', ignoreDuplicates: true })
      .select();
    expect(ignored).toMatchObject({ error: null, data: [] });
    const { data, count } = await sb.from('messages').select('content', { count: 'exact' }).eq('idempotency_key', key);
    expect(data).toEqual([{ content: 'v2' }]);
    expect(count).toBe(1);
  });

  it('upsert without onConflict uses the primary key; composite unique keys work as targets', async () => {
    const id = uid('c');
    await sb.from('conversations').upsert({ id, title: 'one' });
    const again = await sb.from('conversations').upsert({ id, title: 'two' }).select('id, title');
    expect(again.data).toEqual([{ id, title: 'two' }]);
    const instance = uid('inst');
    const window = '2026-01-02T03:04:00Z';
    await sb.from('metrics_rollups').upsert({ instance_id: instance, window_start: window, counters: { frames: 1 } }, { onConflict: 'instance_id,window_start' });
    const rolled = await sb
      .from('metrics_rollups')
      .upsert({ instance_id: instance, window_start: '2026-01-02 03:04:00+00', counters: { frames: 5 } }, { onConflict: 'instance_id,window_start' })
      .select('window_start, counters');
    expect(rolled.error).toBeNull();
    expect(rolled.data).toEqual([{ window_start: '2026-01-02T03:04:00+00:00', counters: { frames: 5 } }]);
    const bad = await sb.from('messages').upsert({ conversation_id: 'x', role: 'user' }, { onConflict: 'role' });
    expect(bad.status).toBe(400);
    expect(bad.error?.code).toBe('42P10');
  });

  it('update (PATCH): 204 without representation, 200 with select()', async () => {
    const { conversationId, ids } = await seedConversation(3);
    const res = await sb.from('messages').update({ content: 'edited' }).eq('conversation_id', conversationId).neq('id', ids[0]);
    expect(res).toMatchObject({ error: null, data: null, status: 204, statusText: 'No Content' });
    const withRows = await sb.from('messages').update({ metadata: { edited: true } }).eq('id', ids[1]).select('id, content, metadata');
    expect(withRows).toMatchObject({ status: 200, error: null, data: [{ id: ids[1], content: 'edited', metadata: { edited: true } }] });
    const nothing = await sb.from('messages').update({ content: 'x' }).eq('id', -1).select();
    expect(nothing).toMatchObject({ status: 200, data: [] });
    const { data } = await sb.from('messages').select('content').eq('conversation_id', conversationId).order('id');
    expect(data!.map((r) => r.content)).toEqual(['m0', 'edited', 'edited']);
  });

  it('delete: 204, or the deleted rows with select()', async () => {
    const { conversationId, ids } = await seedConversation(3);
    expect(await sb.from('messages').delete().eq('id', ids[0])).toMatchObject({ status: 204, error: null, data: null });
    const del = await sb.from('messages').delete().in('id', [ids[1], ids[2]]).select('content');
    expect(del.status).toBe(200);
    expect(del.data!.map((r) => r.content).sort()).toEqual(['m1', 'm2']);
    const { count } = await sb.from('messages').select('*', { count: 'exact', head: true }).eq('conversation_id', conversationId);
    expect(count).toBe(0);
  });

  it("count: 'exact' via Prefer count=exact and Content-Range (206 for a partial page), head: true", async () => {
    const { conversationId } = await seedConversation(7);
    const page = await sb.from('messages').select('id', { count: 'exact' }).eq('conversation_id', conversationId).order('id').range(2, 4);
    expect(page.error).toBeNull();
    expect(page.count).toBe(7);
    expect(page.data).toHaveLength(3);
    expect(page.status).toBe(206);
    const all = await sb.from('messages').select('id', { count: 'exact' }).eq('conversation_id', conversationId);
    expect(all).toMatchObject({ count: 7, status: 200 });
    const head = await sb.from('messages').select('*', { count: 'exact', head: true }).eq('conversation_id', conversationId);
    expect(head).toMatchObject({ count: 7, data: null, error: null, status: 200 });
    const raw = await fetch(`${fake.url}/rest/v1/messages?select=id&conversation_id=eq.${conversationId}&offset=5&limit=10`, { headers: { prefer: 'count=exact' } });
    expect(raw.headers.get('content-range')).toBe('5-6/7');
    const uncounted = await fetch(`${fake.url}/rest/v1/messages?select=id&conversation_id=eq.${conversationId}&limit=3`);
    expect(uncounted.headers.get('content-range')).toBe('0-2/*');
    const empty = await fetch(`${fake.url}/rest/v1/messages?select=id&conversation_id=eq.none`, { headers: { prefer: 'count=exact' } });
    expect(empty.headers.get('content-range')).toBe('*/0');
  });

  it('unique violation: 409 with code 23505 in the client error; a failed bulk inserts nothing', async () => {
    const key = uid('idem');
    const conversationId = uid('conv');
    await sb.from('messages').insert({ conversation_id: conversationId, role: 'user', idempotency_key: key });
    const dup = await sb.from('messages').insert([
      { conversation_id: conversationId, role: 'user', idempotency_key: uid('other') },
      { conversation_id: conversationId, role: 'user', idempotency_key: key },
    ]);
    expect(dup.status).toBe(409);
    expect(dup.statusText).toBe('Conflict');
    expect(dup.error).toEqual({
      code: '23505',
      details: `Key (idempotency_key)=(${key}) already exists.`,
      hint: null,
      message: 'duplicate key value violates unique constraint "messages_idempotency_key_key"',
    });
    const { count } = await sb.from('messages').select('*', { count: 'exact', head: true }).eq('conversation_id', conversationId);
    expect(count).toBe(1);
    const pk = await sb.from('conversations').insert([{ id: 'dup-pk-' + kind }, { id: 'dup-pk-' + kind }]);
    expect(pk.error).toMatchObject({ code: '23505', message: 'duplicate key value violates unique constraint "conversations_pkey"' });
  });

  it('single() on a write that touches 2 rows is 406 and writes nothing', async () => {
    const conversationId = uid('conv');
    const res = await sb.from('messages').insert([{ conversation_id: conversationId, role: 'user' }, { conversation_id: conversationId, role: 'user' }]).select().single();
    expect(res.status).toBe(406);
    expect(res.error?.code).toBe('PGRST116');
    const { count } = await sb.from('messages').select('*', { count: 'exact', head: true }).eq('conversation_id', conversationId);
    expect(count).toBe(0);
  });

  it('errors: unknown table 404 PGRST205, unknown column 400 42703, bad filter 400 PGRST100, types and NOT NULL', async () => {
    const table = await sb.from('no_such_table').select();
    expect(table).toMatchObject({ status: 404, statusText: 'Not Found', data: null });
    expect(table.error).toMatchObject({ code: 'PGRST205', message: "Could not find the table 'public.no_such_table' in the schema cache" });
    expect((await sb.from('messages').select('nope')).error).toMatchObject({ code: '42703', message: 'column messages.nope does not exist' });
    expect((await sb.from('messages').select().eq('nope', 1)).status).toBe(400);
    const filter = await sb.from('messages').select().filter('id', 'zz', '1');
    expect(filter).toMatchObject({ status: 400, statusText: 'Bad Request' });
    expect(filter.error?.code).toBe('PGRST100');
    expect((await sb.from('messages').insert({ conversation_id: 'c', role: 'user', nope: 1 })).error).toMatchObject({
      code: 'PGRST204',
      message: "Could not find the 'nope' column of 'messages' in the schema cache",
    });
    const notNull = await sb.from('messages').insert({ conversation_id: 'c' });
    expect(notNull.status).toBe(400);
    expect(notNull.error).toMatchObject({ code: '23502', message: 'null value in column "role" of relation "messages" violates not-null constraint' });
    const badInt = await sb.from('messages').select().eq('id', 'abc');
    expect(badInt.error).toMatchObject({ code: '22P02', message: 'invalid input syntax for type bigint: "abc"' });
    const badTs = await sb.from('metrics_rollups').insert({ instance_id: 'i', window_start: 'yesterday-ish' });
    expect(badTs.error?.code).toBe('22007');
    // Not implemented by the fake: refused loudly, never answered with something else.
    expect((await sb.from('messages').select().csv()).error).toMatchObject({ code: 'PGRST107' });
    expect((await sb.from('messages').select().eq('metadata->>i', '1')).error).toMatchObject({ code: 'PGRST100' });
  });

  it('rpc: get_recent_messages and count_messages; unknown function 404 PGRST202', async () => {
    const { conversationId } = await seedConversation(5);
    const recent = await sb.rpc('get_recent_messages', { p_conversation_id: conversationId, p_limit: 3 });
    expect(recent.error).toBeNull();
    expect(recent.data.map((m: { content: string }) => m.content)).toEqual(['m2', 'm3', 'm4']);
    const all = await sb.rpc('get_recent_messages', { p_conversation_id: conversationId });
    expect(all.data).toHaveLength(5);
    expect(await sb.rpc('count_messages', { p_conversation_id: conversationId })).toMatchObject({ data: 5, error: null, status: 200 });
    const viaGet = await sb.rpc('count_messages', { p_conversation_id: conversationId }, { get: true });
    expect(viaGet.data).toBe(5);
    const unknown = await sb.rpc('no_such_fn', { a: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.error).toMatchObject({ code: 'PGRST202', message: 'Could not find the function public.no_such_fn(a) in the schema cache' });
    expect((await sb.rpc('count_messages', {})).error?.code).toBe('PGRST202');
  });

  it('storage upload: raw body and Blob (multipart); 409 without x-upsert, 200 with it; download', async () => {
    const bucket = 'uploads';
    const path = `${uid('dir')}/notes file.txt`;
    const up = await sb.storage.from(bucket).upload(path, 'hello', { contentType: 'text/plain' });
    expect(up.error).toBeNull();
    expect(up.data).toMatchObject({ path, fullPath: `${bucket}/${path}` });
    expect(up.data!.id).toMatch(UUID_RE);
    const dup = await sb.storage.from(bucket).upload(path, 'again');
    expect(dup.data).toBeNull();
    expect(dup.error).toMatchObject({ name: 'StorageApiError', status: 409, statusCode: '409', message: 'The resource already exists' });
    const replaced = await sb.storage.from(bucket).upload(path, new Blob(['{"v":2}'], { type: 'application/json' }), { upsert: true });
    expect(replaced.error).toBeNull();
    expect(replaced.data!.id).toBe(up.data!.id);
    const dl = await sb.storage.from(bucket).download(path);
    expect(dl.error).toBeNull();
    expect(await dl.data!.text()).toBe('{"v":2}');
    expect(dl.data!.type).toBe('application/json');
    const missing = await sb.storage.from(bucket).download(`${uid('dir')}/none`);
    expect(missing.error).toMatchObject({ status: 404 });
    // update() is PUT: replaces an existing object, 404 for a missing one.
    expect((await sb.storage.from(bucket).update(path, 'v3', { contentType: 'text/plain' })).error).toBeNull();
    expect(await (await sb.storage.from(bucket).download(path)).data!.text()).toBe('v3');
    expect((await sb.storage.from(bucket).update(`${uid('dir')}/none`, 'x')).error).toMatchObject({ status: 404 });
    expect((await sb.storage.from(bucket).exists(path)).data).toBe(true);
    expect((await sb.storage.from(bucket).exists(`${uid('dir')}/none`)).data).toBe(false);
  });
});
