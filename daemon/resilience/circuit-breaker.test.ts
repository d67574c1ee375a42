/**
 * The circuit breaker through every transition: as a unit (manual clock), then end to end with
 * the provider fake's faults driving a real daemon.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError } from './circuit-breaker.ts';
import type { CircuitState } from '../metrics/types.ts';
import { startProviderFake } from '../../fakes/provider/server.ts';
import type { RunningServer } from '../../fakes/common/running.ts';
import { startTestDaemon, type TestDaemon } from '../testing/in-process.ts';
import { WsTestClient } from '../testing/ws-test-client.ts';
import { controlProvider, providerEnv, providerStats } from '../testing/provider-control.ts';
import { RecordingMetrics } from '../testing/recording-metrics.ts';

describe('CircuitBreaker (unit)', () => {
  it('CLOSED -> OPEN -> HALF_OPEN -> OPEN -> HALF_OPEN -> CLOSED', () => {
    let now = 0;
    const changes: string[] = [];
    const b = new CircuitBreaker('P', { failureThreshold: 3, cooldownMs: 1000, halfOpenProbes: 1, successThreshold: 2 },
      (from: CircuitState, to: CircuitState) => changes.push(`${from}->${to}`), () => now);
    for (let i = 0; i < 2; i++) {
      b.acquire();
      b.failure();
    }
    b.acquire();
    b.success(); // a success resets the consecutive count
    for (let i = 0; i < 3; i++) {
      b.acquire();
      b.failure();
    }
    expect(b.state).toBe('OPEN');
    expect(() => b.acquire()).toThrow(CircuitOpenError);
    now = 1000;
    b.acquire(); // the probe
    expect(b.state).toBe('HALF_OPEN');
    expect(() => b.acquire()).toThrow(CircuitOpenError); // probes are limited
    b.failure();
    expect(b.state).toBe('OPEN');
    now = 2000;
    b.acquire();
    b.success();
    expect(b.state).toBe('HALF_OPEN');
    b.acquire();
    b.abandon(); // a cancelled probe says nothing
    b.acquire();
    b.success();
    expect(b.state).toBe('CLOSED');
    expect(changes).toEqual(['CLOSED->OPEN', 'OPEN->HALF_OPEN', 'HALF_OPEN->OPEN', 'OPEN->HALF_OPEN', 'HALF_OPEN->CLOSED']);
  });
});

describe('CircuitBreaker (daemon + provider fake)', () => {
  let provider: RunningServer;
  let d: TestDaemon;
  let c: WsTestClient;
  const metrics = new RecordingMetrics();

  beforeAll(async () => {
    provider = await startProviderFake({ latency: 'constant:v=1ms', seed: 3 });
    d = await startTestDaemon(
      {
        ...providerEnv(provider.url),
        EXAI_PROVIDER_MAX_RETRIES: '0',
        EXAI_CB_FAILURE_THRESHOLD: '2',
        EXAI_CB_COOLDOWN_MS: '300',
        EXAI_CB_HALF_OPEN_PROBES: '1',
        EXAI_CB_SUCCESS_THRESHOLD: '2',
      },
      metrics,
    );
    c = await WsTestClient.hello(d.url);
  });
  afterAll(async () => {
    await c?.close();
    await d?.close();
    await provider?.close();
  });

  let n = 0;
  const chat = () => c.call(`cb${++n}`, 'chat', { prompt: `breaker ${n}` });
  const status = async () => JSON.parse((await c.call(`s${++n}`, 'status')).outputs[0].text).circuits.GLM;

  it('goes through every state on provider faults and recovery', async () => {
    await controlProvider(provider.url, { faults: { rate500: 1 } });
    expect((await chat()).error.code).toBe('PROVIDER_ERROR');
    expect((await chat()).error.code).toBe('PROVIDER_ERROR');
    expect(await status()).toBe('OPEN');

    // Open: fails fast without touching the provider.
    const before = (await providerStats(provider.url)).requests;
    const fast = await chat();
    expect(fast.error.code).toBe('PROVIDER_UNAVAILABLE');
    expect((await providerStats(provider.url)).requests).toBe(before);

    // Cool-down over, provider still failing: the probe fails and the circuit opens again.
    await new Promise((r) => setTimeout(r, 350));
    expect((await chat()).error.code).toBe('PROVIDER_ERROR');
    expect(await status()).toBe('OPEN');

    // Provider healthy: a probe moves it to HALF_OPEN, the second success closes it.
    await controlProvider(provider.url, { faults: { rate500: 0 } });
    await new Promise((r) => setTimeout(r, 350));
    expect((await chat()).outputs).toBeDefined();
    expect(await status()).toBe('HALF_OPEN');
    expect((await chat()).outputs).toBeDefined();
    expect(await status()).toBe('CLOSED');

    expect(metrics.circuits.map((x) => `${x.provider}:${x.from}->${x.to}`)).toEqual([
      'GLM:CLOSED->OPEN', 'GLM:OPEN->HALF_OPEN', 'GLM:HALF_OPEN->OPEN', 'GLM:OPEN->HALF_OPEN', 'GLM:HALF_OPEN->CLOSED',
    ]);
  });
});
