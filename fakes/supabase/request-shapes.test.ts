/**
 * What supabase-js v2 actually puts on the wire, captured by a plain node:http server. The fake
 * was built from these observations; if a client upgrade changes a shape, this file says which.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Captured {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let server: Server;
let sb: SupabaseClient;
const seen: Captured[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('latin1')));
    req.on('end', () => {
      seen.push({ method: req.method!, url: decodeURIComponent(req.url!), headers: req.headers, body });
      const storage = req.url!.startsWith('/storage/');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(storage ? '{"Key":"b/k","Id":"00000000-0000-4000-8000-000000000000"}' : '[]');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sb = createClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'anon-key', { auth: { persistSession: false } });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** The one request `call` makes. */
async function capture(call: () => PromiseLike<unknown>): Promise<Captured> {
  const before = seen.length;
  await call();
  expect(seen.length).toBe(before + 1);
  return seen[before];
}

describe('supabase-js v2 request shapes', () => {
  it('every request carries apikey and a bearer token, and names the schema', async () => {
    const r = await capture(() => sb.from('messages').select());
    expect(r.headers).toMatchObject({ apikey: 'anon-key', authorization: 'Bearer anon-key', 'accept-profile': 'public' });
    expect(r.headers['x-client-info']).toMatch(/^supabase-js-node\/2\./);
  });

  it('insert one: POST, JSON object, no Prefer, Content-Profile', async () => {
    const r = await capture(() => sb.from('messages').insert({ conversation_id: 'c1', role: 'user' }));
    expect(r).toMatchObject({ method: 'POST', url: '/rest/v1/messages', body: '{"conversation_id":"c1","role":"user"}' });
    expect(r.headers['content-profile']).toBe('public');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers.prefer).toBeUndefined();
  });

  it('insert an array: columns= lists the union of keys, quoted', async () => {
    const r = await capture(() => sb.from('messages').insert([{ a: 1 }, { b: 2, c: 3 }]));
    expect(r.url).toBe('/rest/v1/messages?columns="a","b","c"');
    expect(JSON.parse(r.body)).toEqual([{ a: 1 }, { b: 2, c: 3 }]);
  });

  it('insert + select(): Prefer return=representation and select=*', async () => {
    const r = await capture(() => sb.from('messages').insert({ a: 1 }).select());
    expect(r.url).toBe('/rest/v1/messages?select=*');
    expect(r.headers.prefer).toBe('return=representation');
  });

  it('select filters and modifiers map to PostgREST operators', async () => {
    const r = await capture(() =>
      sb.from('messages').select('id, content').eq('a', 'x').neq('b', 2).gt('c', 3).gte('d', 4).lt('e', 5).lte('f', 6)
        .in('g', ['p', 'q,r']).is('h', null).like('i', '%ab%').ilike('j', 'A%').order('created_at', { ascending: false }).limit(5),
    );
    expect(r.method).toBe('GET');
    expect(r.url).toBe(
      '/rest/v1/messages?select=id,content&a=eq.x&b=neq.2&c=gt.3&d=gte.4&e=lt.5&f=lte.6&g=in.(p,"q,r")&h=is.null&i=like.%ab%&j=ilike.A%&order=created_at.desc&limit=5',
    );
    expect(r.headers.accept).toBe('*/*');
  });

  it('range(from, to) is offset + limit; several orders are comma-joined; not/or', async () => {
    const r = await capture(() => sb.from('m').select().order('a').order('b', { nullsFirst: true }).range(10, 19));
    expect(r.url).toBe('/rest/v1/m?select=*&order=a.asc,b.asc.nullsfirst&offset=10&limit=10');
    const o = await capture(() => sb.from('m').select().or('a.eq.1,b.gt.2').not('c', 'is', null));
    expect(o.url).toBe('/rest/v1/m?select=*&or=(a.eq.1,b.gt.2)&c=not.is.null');
  });

  it('single() asks for application/vnd.pgrst.object+json; maybeSingle() on GET asks for an array', async () => {
    expect((await capture(() => sb.from('m').select().eq('id', 1).single())).headers.accept).toBe('application/vnd.pgrst.object+json');
    expect((await capture(() => sb.from('m').select().eq('id', 1).maybeSingle())).headers.accept).toBe('application/json');
    expect((await capture(() => sb.from('m').insert({ a: 1 }).select().maybeSingle())).headers.accept).toBe('application/vnd.pgrst.object+json');
  });

  it('upsert: on_conflict and Prefer resolution=merge-duplicates (or ignore-duplicates)', async () => {
    const r = await capture(() => sb.from('messages').upsert({ k: 'x', v: 1 }, { onConflict: 'k' }));
    expect(r).toMatchObject({ method: 'POST', url: '/rest/v1/messages?on_conflict=k' });
    expect(r.headers.prefer).toBe('resolution=merge-duplicates');
    const i = await capture(() => sb.from('messages').upsert([{ k: 'x' }], { onConflict: 'k', ignoreDuplicates: true }).select());
    expect(i.url).toBe('/rest/v1/messages?on_conflict=k&columns="k"&select=*');
    expect(i.headers.prefer).toBe('resolution=ignore-duplicates, return=representation');
  });

  it('update is PATCH with the filters in the query; delete is DELETE', async () => {
    const u = await capture(() => sb.from('conversations').update({ title: 't' }).eq('id', 'c1'));
    expect(u).toMatchObject({ method: 'PATCH', url: '/rest/v1/conversations?id=eq.c1', body: '{"title":"t"}' });
    const d = await capture(() => sb.from('conversations').delete().eq('id', 'c1').select());
    expect(d).toMatchObject({ method: 'DELETE', url: '/rest/v1/conversations?id=eq.c1&select=*' });
    expect(d.headers.prefer).toBe('return=representation');
  });

  it("count: 'exact' is Prefer count=exact; head: true is a HEAD request", async () => {
    expect((await capture(() => sb.from('m').select('*', { count: 'exact' }))).headers.prefer).toBe('count=exact');
    expect((await capture(() => sb.from('m').select('*', { count: 'exact', head: true }))).method).toBe('HEAD');
  });

  it('rpc: POST /rest/v1/rpc/<fn> with the arguments as a JSON object; get: true puts them in the query', async () => {
    const r = await capture(() => sb.rpc('get_recent_messages', { p_conversation_id: 'c1', p_limit: 5 }));
    expect(r).toMatchObject({ method: 'POST', url: '/rest/v1/rpc/get_recent_messages', body: '{"p_conversation_id":"c1","p_limit":5}' });
    expect((await capture(() => sb.rpc('fn', { a: 1 }, { get: true }))).url).toBe('/rest/v1/rpc/fn?a=1');
  });

  it('storage upload: POST /storage/v1/object/<bucket>/<path>, x-upsert, raw body or multipart for a Blob', async () => {
    const r = await capture(() => sb.storage.from('bucket').upload('dir/a.txt', 'hello', { contentType: 'text/plain' }));
    expect(r).toMatchObject({ method: 'POST', url: '/storage/v1/object/bucket/dir/a.txt', body: 'hello' });
    expect(r.headers).toMatchObject({ 'x-upsert': 'false', 'content-type': 'text/plain', 'cache-control': 'max-age=3600' });
    const u = await capture(() => sb.storage.from('bucket').upload('dir/a.txt', 'x', { upsert: true }));
    expect(u.headers['x-upsert']).toBe('true');
    const b = await capture(() => sb.storage.from('bucket').upload('b.json', new Blob(['{}'], { type: 'application/json' })));
    expect(b.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(b.body).toContain('Content-Type: application/json');
  });
});
