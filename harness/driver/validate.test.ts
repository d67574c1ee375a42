import { describe, expect, it } from 'vitest';
import { testConfig } from './testing/config.ts';
import type { DriverConfig } from './messages.ts';
import { validateDriverConfig } from './validate.ts';

describe('driver config validation', () => {
  it('accepts a good config', () => {
    expect(validateDriverConfig(testConfig('ws://127.0.0.1:1'))).toEqual([]);
    expect(validateDriverConfig(testConfig('ws://127.0.0.1:1', { load: { model: 'open', ratePerSec: 10, arrival: 'uniform', maxInFlight: 5 }, idleClients: 1000 }))).toEqual([]);
  });

  it('names every bad field, all at once', () => {
    const bad = {
      ...testConfig('http://x'),
      protocol: 'grpc',
      clients: 0,
      requestTimeoutMs: -1,
      churn: { everyRequests: 0 },
      mix: [{ weight: 0, tool: '' }],
      load: { model: 'closed', thinkTime: 'gaussian:1ms' },
    } as unknown as DriverConfig;
    const problems = validateDriverConfig(bad);
    for (const field of ['url', 'protocol', 'clients', 'requestTimeoutMs', 'churn.everyRequests', 'mix[0].tool', 'mix[0].weight', 'load.thinkTime']) {
      expect(problems.some((p) => p.startsWith(`${field}:`)), field).toBe(true);
    }
  });

  it('checks the open model fields and that session ids stay within 64 characters', () => {
    const open = validateDriverConfig(testConfig('ws://h:1', { load: { model: 'open', ratePerSec: 0, maxInFlight: 1.5 } as DriverConfig['load'] }));
    expect(open).toEqual([expect.stringMatching(/^load.ratePerSec:/), expect.stringMatching(/^load.maxInFlight:/)]);
    expect(validateDriverConfig(testConfig('ws://h:1', { sessionPrefix: 'x'.repeat(60), idleClients: 10 }))).toEqual([expect.stringMatching(/^sessionPrefix: too long/)]);
  });
});
