import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIConnectionTimeoutError } from 'openai';
import { CircuitBreaker } from '../resilience/circuit-breaker.ts';
import { ProviderClient } from './provider-client.ts';

// A provider that never answers: whatever ends an attempt is one of our timers.
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const client = (attemptTimeoutMs: number) => new ProviderClient(
  { name: 'GLM', baseUrl, apiKey: 'k', defaultModel: 'm' },
  new CircuitBreaker('GLM', { failureThreshold: 5, cooldownMs: 1000, halfOpenProbes: 1, successThreshold: 1 }, () => {}),
  { maxRetries: 0, baseMs: 1, maxMs: 1 },
  attemptTimeoutMs,
);
const request = (signal: AbortSignal, deadlineMs: number) => ({
  model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], stream: false, signal, deadlineMs, onChunk: () => {},
});

describe('ProviderClient deadlines', () => {
  it('leaves the call deadline to the call: a call timer that fires late still ends the attempt by abort, not by a provider timeout', async () => {
    const ac = new AbortController();
    // The deadline passes at 50 ms, the call's timer (here) fires at 150 ms, as under a busy loop.
    setTimeout(() => ac.abort(new Error('call timed out')), 150);
    const err = await client(5000).complete(request(ac.signal, performance.now() + 50)).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(ac.signal.aborted).toBe(true);
  });

  it('ends one attempt at the attempt timeout with a provider timeout', async () => {
    const ac = new AbortController();
    const err = await client(100).complete(request(ac.signal, performance.now() + 10_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(ac.signal.aborted).toBe(false);
  });
});
