import { afterEach, describe, expect, it } from 'vitest';
import type { BackendName } from '../../daemon/metrics/types.ts';
import type { WorkloadKind } from './messages.ts';
import { createSubject, expectedSink, type Subject } from './subjects.ts';

const open: Subject[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
const make = (b: BackendName, w: WorkloadKind, clients: number) => {
  const s = createSubject(b, w, clients);
  open.push(s);
  return s;
};

describe('tight subjects', () => {
  it.each(['legacy', 'prom', 'otel', 'fast'] as const)('%s: recorded counts equal the operations performed (record and hot-path)', async (b) => {
    const rec = make(b, 'record', 7);
    const batch = rec.makeBatch(250);
    for (let i = 0; i < 9; i++) batch();
    rec.makeBatch(13)();
    expect(rec.operations).toBe(9 * 250 + 13);
    rec.verifySink();
    const ex = await rec.exactness();
    expect(ex).toMatchObject({ expected: 2263, recorded: 2263, ok: true });

    const hot = make(b, 'hot-path', 3);
    const frames = hot.makeBatch(20);
    for (let i = 0; i < 5; i++) frames();
    const hx = await hot.exactness();
    expect(hx).toMatchObject({ expected: 3 + 100, recorded: 3 + 100, ok: true }); // hellos count too
  });

  it('sampled reports an estimate checked against its stated error, and says how much its ring dropped', async () => {
    const s = make('sampled', 'record', 4);
    const batch = s.makeBatch(1000);
    for (let i = 0; i < 200; i++) batch(); // 200k frames between flushes: far more than the ring holds
    const ex = await s.exactness();
    expect(ex?.expected).toBe(200_000);
    expect(ex?.ok).toBe(false);
    expect(ex?.detail).toMatch(/dropped [1-9]\d* sampled events/);
  });

  it('none has nothing to check, but its loop still runs (the sink adds up)', async () => {
    const s = make('none', 'record', 5);
    s.makeBatch(777)();
    expect(await s.exactness()).toBeNull();
    expect(() => s.verifySink()).not.toThrow();
    expect(s.operations).toBe(777);
  });

  it('the sink closed form matches the rotation it summarises', () => {
    for (const [ops, len] of [[0, 3], [1, 1], [10, 3], [1001, 16], [12345, 10_000]]) {
      let j = 0;
      let sum = 0;
      for (let i = 0; i < ops; i++) {
        sum += j;
        if (++j === len) j = 0;
      }
      expect(expectedSink(ops, len)).toBe(sum);
    }
  });
});

describe('call-* subjects (the parts of the account)', () => {
  it.each(['legacy', 'prom', 'otel', 'fast'] as const)('%s: each call is recorded once per operation', async (b) => {
    for (const call of ['frameReceived', 'frameSent', 'stageLatency', 'requestDone'] as const) {
      const s = make(b, `call-${call}`, 5);
      s.makeBatch(321)();
      s.verifySink();
      expect(await s.exactness(), `${b} ${call}`).toMatchObject({ expected: 321, recorded: 321, ok: true });
    }
  });

  it('the empty batch performs no operation', () => {
    const s = make('fast', 'call-frameSent', 3);
    s.makeBatch(0)();
    expect(s.operations).toBe(0);
  });
});
