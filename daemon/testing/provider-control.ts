/** Talking to the provider fake from tests: daemon env pointing at it, /__control and /__stats. */
import type { ProviderStats } from '../../fakes/provider/server.ts';

export function providerEnv(providerUrl: string): Record<string, string> {
  return { GLM_API_URL: `${providerUrl}/api/paas/v4`, KIMI_API_URL: `${providerUrl}/v1`, GLM_API_KEY: 'test', KIMI_API_KEY: 'test' };
}

export async function controlProvider(providerUrl: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${providerUrl}/__control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`provider /__control ${res.status}: ${await res.text()}`);
}

export async function providerStats(providerUrl: string): Promise<ProviderStats> {
  return (await fetch(`${providerUrl}/__stats`)).json() as Promise<ProviderStats>;
}
