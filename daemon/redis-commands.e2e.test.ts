/**
 * Keeps daemon-commands.json (the Redis commands the reference daemon sends) current and the
 * RESP fake complete for it:
 * - every command in the fixture is implemented by the fake;
 * - the daemon, driven through everything it does with Redis (daemon/testing/redis-workload.ts), sends a real
 *   redis-server nothing that is not in the fixture (recorded through a tap and MONITOR);
 * - the same workload on the RESP fake runs without a single Redis error, and the fake reports
 *   no unimplemented command.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeWithDeps } from '../common/testing/system-deps.ts';
import { startCommandRecorder } from '../fakes/redis/testing/command-recorder.ts';
import { driveDaemonWorkload } from './testing/redis-workload.ts';
import fixture from '../fakes/redis/daemon-commands.json' with { type: 'json' };
import { isImplemented } from '../fakes/redis/dispatch.ts';
import { findRedis } from '../fakes/redis/find.ts';
import { startRespFake } from '../fakes/redis/resp-fake.ts';

const RERECORD = 'run `npm run redis:record-commands` and implement what is new in the fake';

/** The daemon's log lines that mean a Redis operation failed. */
const redisTrouble = (logs: string[]) => logs.filter((l) => /redis|rate limiter|pending|session store/i.test(l));

describe('daemon-commands.json', () => {
  it('is the sorted union of its sources', () => {
    const union = [...new Set(Object.values(fixture.sources).flat())].sort();
    expect(fixture.commands).toEqual(union);
    expect(fixture.commands.length).toBeGreaterThan(10);
  });

  it('lists only commands the RESP fake implements', () => {
    expect(fixture.commands.filter((c) => !isImplemented(c))).toEqual([]);
  });
});

describe('the reference daemon on the RESP fake', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('does everything it does with Redis without one error, and the fake misses no command', async () => {
    const stderr = vi.spyOn(process.stderr, 'write');
    const fake = await startRespFake();
    try {
      const r = await driveDaemonWorkload({ redisUrl: fake.url, inspectUrl: fake.url });
      expect(r.errors).toEqual([]);
      expect(redisTrouble(r.logs)).toEqual([]);
      expect(r.cacheHit).toBe(true);
      expect(r.resumed).toBe(true);
      expect(r.clusterSessions.length).toBeGreaterThan(20);
    } finally {
      await fake.close();
    }
    const unimplemented = stderr.mock.calls.map((c) => String(c[0])).filter((s) => s.includes('unimplemented command'));
    expect(unimplemented).toEqual([]);
  });
});

describeWithDeps(['redis-server'], 'what the reference daemon sends a real redis-server', () => {
  it('is all in daemon-commands.json', async () => {
    const real = await findRedis({ mode: 'real', env: { PATH: process.env.PATH } });
    const recorder = await startCommandRecorder(real.url);
    try {
      const r = await driveDaemonWorkload({ redisUrl: recorder.url, inspectUrl: real.url });
      expect(r.errors).toEqual([]);
      expect(redisTrouble(r.logs)).toEqual([]);
      const sent = await recorder.names();
      // The workload reached every kind of Redis use (else the check below proves little).
      expect(sent).toEqual(expect.arrayContaining(['HSETNX', 'EVAL', 'HMGET', 'PEXPIRE', 'RPUSH', 'LTRIM', 'LRANGE', 'HGETALL', 'HINCRBY', 'GET', 'SET']));
      expect(sent.filter((c) => !fixture.commands.includes(c)), `not in daemon-commands.json: ${RERECORD}`).toEqual([]);
    } finally {
      await recorder.close();
      await real.close();
    }
  });
});
