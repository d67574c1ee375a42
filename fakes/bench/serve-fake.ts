/**
 * Child process of fakes-bench: serves ONE fake at zero injected latency, so the load generator
 * (autocannon, in the parent) and the fake do not share an event loop.
 *
 *   node --import tsx fakes/bench/serve-fake.ts provider|supabase
 *
 * Prints one JSON line {"url": "..."} when listening; stops on SIGTERM, SIGINT or when the parent
 * goes away (IPC disconnect).
 */
import type { RunningServer } from '../common/running.ts';
import { startProviderFake } from '../provider/server.ts';
import { startSupabaseFake } from '../supabase/server.ts';

export type FakeName = 'provider' | 'supabase';

async function start(name: string): Promise<RunningServer> {
  if (name === 'provider') return startProviderFake({ seed: 1 });
  if (name === 'supabase') return startSupabaseFake({ seed: 1, store: 'memory' });
  throw new Error(`serve-fake: unknown fake "${name}" (expected provider or supabase)`);
}

async function main(): Promise<void> {
  const server = await start(process.argv[2] ?? '');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  process.stdout.write(JSON.stringify({ url: server.url }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`serve-fake: ${(e as Error).message}\n`);
  process.exit(2);
});
