/**
 * Per-request cost of the Supabase fake's request handling (parse + memory store + JSON), without
 * HTTP, for the requests a chat daemon sends. Shows that reads of the latest messages do not get
 * slower as a conversation grows (the fake must not drift during a long benchmark).
 * The HTTP throughput goal (>= 5,000 req/s) is measured by `npm run bench:fakes`.
 *
 *   npx tsx fakes/supabase/handler-bench.ts [--time-ms 300]
 */
import { Bench } from 'tinybench';
import { parseArgv } from '../../common/argv.ts';
import { fmtNumber, fmtSig } from '../../common/format.ts';
import { textTable } from '../../common/table.ts';
import { MemoryStore } from './memory-store.ts';
import { handleRest, type RestRequest } from './rest.ts';

function timeMsFlag(): number {
  try {
    const { values } = parseArgv(process.argv.slice(2), { 'time-ms': { type: 'string', default: '300' } });
    const ms = Number(values['time-ms']);
    if (ms > 0) return ms;
    process.stderr.write(`--time-ms: expected a positive number, got "${values['time-ms']}"\n`);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
  }
  return process.exit(2);
}
const timeMs = timeMsFlag();

const store = new MemoryStore();
const NO_BODY = Buffer.alloc(0);
const get = (qs: string, headers: Record<string, string> = {}): RestRequest => ({ method: 'GET', path: 'messages', params: new URLSearchParams(qs), headers, body: NO_BODY });
const post = (body: unknown, qs = '', headers: Record<string, string> = {}): RestRequest => ({
  method: 'POST', path: 'messages', params: new URLSearchParams(qs), headers, body: Buffer.from(JSON.stringify(body)),
});

async function must(req: RestRequest): Promise<void> {
  const r = await handleRest(store, req);
  if (r.status >= 300) throw new Error(`${req.method} ${req.params}: ${r.status} ${String(r.body)}`);
}

// Two conversations: 100 and 10,000 messages.
for (const [id, n] of [['small', 100], ['large', 10_000]] as const) {
  const rows = Array.from({ length: n }, (_, i) => ({ conversation_id: id, role: i % 2 ? 'assistant' : 'user', content: `message ${i} of ${id}` }));
  await must(post(rows, 'columns="conversation_id","role","content"'));
}

let seq = 0;
const latest = (conv: string) => get(`select=*&conversation_id=eq.${conv}&order=created_at.desc,id.desc&limit=20`);
const bench = new Bench({ time: timeMs, warmupTime: 100 });
bench
  .add('select latest 20 of 100 messages', () => must(latest('small')))
  .add('select latest 20 of 10,000 messages', () => must(latest('large')))
  .add('select one by primary key, single()', () => must(get('select=*&id=eq.50', { accept: 'application/vnd.pgrst.object+json' })))
  .add('insert one message', () => must(post({ conversation_id: 'bench', role: 'user', content: 'hello there', idempotency_key: `k${seq++}` })))
  .add('insert + select() (return=representation)', () => must(post({ conversation_id: 'bench', role: 'user', content: 'hi' }, 'select=*', { prefer: 'return=representation' })))
  .add('upsert on idempotency_key (merge)', () =>
    must(post({ conversation_id: 'bench', role: 'user', content: 'again', idempotency_key: 'same' }, 'on_conflict=idempotency_key', { prefer: 'resolution=merge-duplicates' })));
await bench.run();

const rows = bench.tasks.map((task) => {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
  // Median, not mean: on a shared machine the mean is mostly scheduler and GC pauses.
  const us = r.latency.p50 * 1000;
  return [task.name, fmtSig(us), fmtNumber(1e6 / us, 0)];
});
console.log(`Supabase fake request handling (memory store, no HTTP), ${timeMs} ms per case`);
console.log(textTable([{ header: 'case' }, { header: 'us/op (median)', align: 'right' }, { header: 'ops/s', align: 'right' }], rows));
