import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
