/** Latency, injected 503s and POST /__control of the Supabase fake (memory store), via supabase-js. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupabaseConfigError, startSupabaseFake, type RunningSupabaseFake, type SupabaseStats } from './server.ts';

const client = (url: string): SupabaseClient => createClient(url, 'anon-key', { auth: { persistSession: false } });
const errorText = async (r: Response): Promise<string> => ((await r.json()) as { error: string }).error;
const control = (fake: RunningSupabaseFake, body: unknown): Promise<Response> =>
  fetch(fake.url + '/__control', { method: 'POST', body: JSON.stringify(body) });

describe('Supabase fake behaviour controls', () => {
  let fake: RunningSupabaseFake;
  let sb: SupabaseClient;
  beforeAll(async () => {
    fake = await startSupabaseFake({ errorRate: 1 });
    sb = client(fake.url);
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('errorRate 1: every request is 503 with a PostgREST-like body (storage: a Storage-like body)', async () => {
    const res = await sb.from('messages').select();
    expect(res.status).toBe(503);
    expect(res.statusText).toBe('Service Unavailable');
    expect(res.error).toMatchObject({ code: 'PGRST001', message: 'Database client error. Retrying the connection.' });
    const up = await sb.storage.from('b').upload('x.txt', 'x');
    expect(up.error).toMatchObject({ status: 503, statusCode: '503' });
  });

  it('POST /__control changes errorRate and latency at run time; GET reads them', async () => {
    const off = await control(fake, { errorRate: 0 });
    expect(off.status).toBe(200);
    expect(await off.json()).toEqual({ latency: null, errorRate: 0 });
    expect((await sb.from('messages').select()).status).toBe(200);

    expect((await control(fake, { latency: 'constant:v=60ms' })).status).toBe(200);
    const t0 = performance.now();
    await sb.from('messages').select();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    expect(await (await fetch(fake.url + '/__control')).json()).toEqual({ latency: 'constant:v=60ms', errorRate: 0 });
    expect(await (await control(fake, { latency: null })).json()).toEqual({ latency: null, errorRate: 0 });
  });

  it('a bad /__control body is 400 naming the field, and changes nothing', async () => {
    const bad = await control(fake, { errorRate: 2 });
    expect(bad.status).toBe(400);
    expect(await errorText(bad)).toMatch(/^errorRate: /);
    const unknown = await control(fake, { faults: {} });
    expect(await errorText(unknown)).toMatch(/faults/);
    const spec = await control(fake, { latency: 'gaussian:x=1' });
    expect(spec.status).toBe(400);
    expect(await errorText(spec)).toMatch(/^latency: .*gaussian/);
    expect(await (await fetch(fake.url + '/__control')).json()).toEqual({ latency: null, errorRate: 0 });
  });

  it('GET /__stats counts requests by route and status, and the injected faults', async () => {
    await sb.rpc('count_messages', { p_conversation_id: 'x' });
    await fetch(fake.url + '/rest/v1/nonsense_table');
    const stats = (await (await fetch(fake.url + '/__stats')).json()) as SupabaseStats;
    expect(stats.injectedFaults).toBe(2);
    expect(stats.byStatus['503']).toBe(2);
    expect(stats.byRoute).toMatchObject({ 'POST storage': 1, 'POST rpc/count_messages': 1, 'GET (unknown)': 1 });
    expect(stats.byRoute['GET messages']).toBeGreaterThanOrEqual(3);
    expect(stats.requests).toBe(Object.values(stats.byStatus).reduce((a, b) => a + b, 0));
    expect(stats.inFlight).toBe(0);
  });

  it('unknown paths are 404', async () => {
    expect((await fetch(fake.url + '/nope')).status).toBe(404);
  });
});

describe('Supabase fake options', () => {
  it('the same seed injects the same faults in the same order', async () => {
    const statuses = async (): Promise<number[]> => {
      const f = await startSupabaseFake({ errorRate: 0.5, seed: 7 });
      try {
        const out: number[] = [];
        for (let i = 0; i < 24; i++) out.push((await fetch(f.url + '/rest/v1/messages?select=id')).status);
        return out;
      } finally {
        await f.close();
      }
    };
    const a = await statuses();
    expect(a).toContain(503);
    expect(a).toContain(200);
    expect(await statuses()).toEqual(a);
  });

  it('bad options are a SupabaseConfigError naming the option', async () => {
    await expect(startSupabaseFake({ latency: 'nonsense' })).rejects.toThrow(/^latency: /);
    await expect(startSupabaseFake({ errorRate: -1 })).rejects.toBeInstanceOf(SupabaseConfigError);
    await expect(startSupabaseFake({ store: 'sqlite' as 'memory' })).rejects.toThrow(/^store: /);
  });

  it('a port in use is a SupabaseConfigError naming the port', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(startSupabaseFake({ port })).rejects.toThrow(new RegExp(`^port: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
