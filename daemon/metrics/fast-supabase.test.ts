import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { startSupabaseFake } from '../../fakes/supabase/server.ts';
import { FastMetrics } from './fast.ts';
import { runScript } from './testing/run-script.ts';

let fake: Awaited<ReturnType<typeof startSupabaseFake>>;
let supabase: SupabaseClient;

beforeAll(async () => {
  fake = await startSupabaseFake({ host: '127.0.0.1', port: 0, store: 'memory' });
  supabase = createClient(fake.url, 'test-key', { auth: { persistSession: false, autoRefreshToken: false } });
});
afterAll(async () => {
  await fake?.close();
});

describe('fast backend roll-ups into Supabase metrics_rollups (supabase-js against the fake)', () => {
  it('counts every event once when an insert takes longer than the roll-up period (one roll-up at a time)', async () => {
    const slow = await startSupabaseFake({ host: '127.0.0.1', port: 0, store: 'memory', latency: 'constant:120ms' });
    const said: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (said.push(String(chunk)), true));
    try {
      const client = createClient(slow.url, 'test-key', { auth: { persistSession: false, autoRefreshToken: false } });
      const m = new FastMetrics({ rollupIntervalMs: 20 });
      m.start({ instanceId: 'rollup-slow:1:0', supabase: client });
      const first = runScript(m, { clients: 2, framesPerClient: 10 });
      await new Promise((r) => setTimeout(r, 300)); // several periods, each insert still out
      const second = runScript(m, { clients: 2, framesPerClient: 5, ids: ['late-0', 'late-1'] });
      await new Promise((r) => setTimeout(r, 300));
      await m.close();
      const { data, error } = await client.from('metrics_rollups').select('counters').eq('instance_id', 'rollup-slow:1:0');
      expect(error).toBeNull();
      const rows = data as { counters: Record<string, number> }[];
      expect(rows.length).toBeGreaterThan(1);
      const sum = (k: string) => rows.reduce((n, r) => n + (r.counters[k] ?? 0), 0);
      expect(sum('messagesSent')).toBe(first.totals.messagesSent + second.totals.messagesSent);
      expect(sum('messagesReceived')).toBe(first.totals.messagesReceived + second.totals.messagesReceived);
      // no period started a second insert of the same window (the table's unique key would refuse it)
      expect(said.filter((l) => l.includes('sink failing'))).toEqual([]);
    } finally {
      write.mockRestore();
      await slow.close();
    }
  });

  it('writes one row per window whose counters are the window deltas', async () => {
    const m = new FastMetrics({ rollupIntervalMs: 3_600_000 });
    m.start({ instanceId: 'rollup-test:1:0', supabase });
    const t = runScript(m, { clients: 3, framesPerClient: 20 });
    await m.close(); // close writes the pending window
    const { data, error } = await supabase.from('metrics_rollups').select('*').eq('instance_id', 'rollup-test:1:0');
    expect(error).toBeNull();
    expect(data).toHaveLength(1);
    const row = data![0] as { backend: string; counters: Record<string, number>; latency: Record<string, { count: number }>; window_start: string; window_end: string };
    expect(row.backend).toBe('fast');
    expect(row.counters.messagesReceived).toBe(t.totals.messagesReceived);
    expect(row.counters.messagesSent).toBe(t.totals.messagesSent);
    expect(row.counters.errors).toBe(t.totals.errors);
    expect(row.latency.total.count).toBe(t.stageCount);
    expect(Date.parse(row.window_end)).toBeGreaterThanOrEqual(Date.parse(row.window_start));
  });
});
