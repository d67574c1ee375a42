/** Configuration: defaults, every override, and one clear line per bad variable. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('parseConfig', () => {
  it('has the real daemon defaults', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      host: '127.0.0.1', port: 8079, token: null, maxBytes: 32 * 1024 * 1024, pingIntervalSec: 30, helloTimeoutSec: 15,
      progressIntervalSec: 5, maxConnections: 1000, maxConnectionsPerIp: 10, rateLimit: true, maxInflight: 24,
      kimiMaxInflight: 6, glmMaxInflight: 4, monitoringHost: '127.0.0.1', monitoringPort: 8082, metricsBackend: 'fast',
      rateGlobal: { capacity: 1000, refillPerSec: 100 }, rateIp: { capacity: 100, refillPerSec: 10 }, rateSession: { capacity: 50, refillPerSec: 5 },
    });
    expect(c.glm.baseUrl).toBe('https://api.z.ai/api/paas/v4');
    expect(c.kimi.baseUrl).toBe('https://api.moonshot.ai/v1');
  });

  it('reads overrides, PORT as an alias of EXAI_WS_PORT', () => {
    const c = parseConfig({ PORT: '9000', EXAI_RATE_LIMIT: 'off', METRICS_BACKEND: 'none', REDIS_URL: 'redis://127.0.0.1:6379', EXAI_RATE_IP: '5/0.5' });
    expect(c.port).toBe(9000);
    expect(c.rateLimit).toBe(false);
    expect(c.metricsBackend).toBe('none');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.rateIp).toEqual({ capacity: 5, refillPerSec: 0.5 });
    expect(parseConfig({ PORT: '9000', EXAI_WS_PORT: '9001' }).port).toBe(9001);
  });

  it('reports every bad variable, one line each, naming it', () => {
    let err: ConfigError | undefined;
    try {
      parseConfig({ EXAI_WS_PORT: 'x', METRICS_BACKEND: 'fastest', REDIS_URL: 'http://nope', EXAI_RATE_LIMIT: 'maybe', EXAI_RATE_GLOBAL: '10' });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message.split('\n')).toEqual([
      'daemon: EXAI_WS_PORT must be an integer 0..65535, got "x"',
      'daemon: EXAI_RATE_LIMIT must be one of on|off, got "maybe"',
      'daemon: EXAI_RATE_GLOBAL must be CAPACITY/REFILL_PER_SEC (e.g. 1000/100), got "10"',
      'daemon: REDIS_URL must be a redis|rediss URL, got "http://nope"',
      'daemon: METRICS_BACKEND must be one of none|legacy|sampled|prom|otel|fast, got "fastest"',
    ]);
  });

  it('rejects out-of-range ports and a soft send limit above the hard one', () => {
    expect(() => parseConfig({ EXAI_MONITORING_PORT: '70000' })).toThrow('EXAI_MONITORING_PORT must be an integer 0..65535, got "70000"');
    expect(() => parseConfig({ EXAI_WS_SEND_SOFT_BYTES: '10', EXAI_WS_SEND_HARD_BYTES: '5' })).toThrow(/EXAI_WS_SEND_SOFT_BYTES/);
  });

  it('reads EXAI_BENCH_BURN_US (calibration only): off unless set, a whole number of microseconds', () => {
    expect(parseConfig({}).benchBurnUs).toBe(0);
    expect(parseConfig({ EXAI_BENCH_BURN_US: '' }).benchBurnUs).toBe(0);
    expect(parseConfig({ EXAI_BENCH_BURN_US: '25' }).benchBurnUs).toBe(25);
    for (const bad of ['-1', '2.5', 'lots', '1000001']) {
      expect(() => parseConfig({ EXAI_BENCH_BURN_US: bad })).toThrow(`daemon: EXAI_BENCH_BURN_US must be an integer 0..1000000, got ${JSON.stringify(bad)}`);
    }
  });
});
