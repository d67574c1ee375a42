import { startSupabaseFake } from './fakes/supabase/server.ts';
const fake = await startSupabaseFake({ store: (process.argv[2] as 'memory') ?? 'memory' });
// seed: 200 conversations x 20 messages
const rows = [];
for (let c = 0; c < 200; c++) for (let m = 0; m < 20; m++) rows.push({ conversation_id: `c${c}`, role: 'user', content: `message ${m}` });
await fetch(fake.url + '/rest/v1/messages', { method: 'POST', body: JSON.stringify(rows), headers: { 'content-type': 'application/json' } });
console.log(fake.url);
process.on('SIGTERM', () => fake.close().then(() => process.exit(0)));
