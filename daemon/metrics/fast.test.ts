import { afterEach, describe, expect, it, vi } from 'vitest';
import { FastMetrics } from './fast.ts';
import { STRIDE } from './fast-layout.ts';
import { runScript } from './testing/run-script.ts';
import { StageId } from './types.ts';

const open: FastMetrics[] = [];
const make = (o?: ConstructorParameters<typeof FastMetrics>[0]) => {
  const m = new FastMetrics(o);
  open.push(m);
  return m;
};
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((m) => m.close()));
});

describe('fast backend hot path', () => {
  it('reads no clock during per-frame events', () => {
    const m = make();
    const refs = [m.client('a'), m.client('b')];
    const dateNow = vi.spyOn(Date, 'now');
    const perfNow = vi.spyOn(performance, 'now');
    const hrtime = vi.spyOn(process, 'hrtime');
    const hrBig = vi.spyOn(process.hrtime, 'bigint');
    for (let i = 0; i < 10_000; i++) {
      const r = refs[i & 1];
      m.frameReceived(r, 64);
      m.frameSent(r, 128);
      m.cacheHit(r);
      m.stageLatency(StageId.total, i % 1000);
      m.requestDone(r, 'status', 10, true);
    }
    expect(dateNow).not.toHaveBeenCalled();
    expect(perfNow).not.toHaveBeenCalled();
    expect(hrtime).not.toHaveBeenCalled();
    expect(hrBig).not.toHaveBeenCalled();
    expect(m.snapshot().totals.messagesReceived).toBe(10_000);
  });

  it('grows past its initial capacity and keeps every count', () => {
    const m = make({ initialClients: 2 });
    const truth = runScript(m, { clients: 500, framesPerClient: 3 });
    const snap = m.snapshot();
    expect(snap.totals).toEqual(truth.totals);
    expect(snap.clients).toEqual(truth.clients);
    // growth by half keeps at most ~1.5x the slots in use, 96 bytes each
    expect(m.cells.byteLength / m.slotCount).toBeLessThanOrEqual(STRIDE * 8 * 1.6);
  });

  it('a returning client keeps its slot and its counters', () => {
    const m = make();
    const a = m.client('same');
    m.frameReceived(a, 1);
    const b = m.client('same');
    expect(b.slot).toBe(a.slot);
    m.frameReceived(b, 1);
    expect(m.snapshot().clients.same.messagesReceived).toBe(2);
  });

  it('reclaims idle closed clients without changing totals', () => {
    const m = make({ idleTtlMs: 1000 });
    const truth = runScript(m, { clients: 10, framesPerClient: 5 });
    const before = m.snapshot().totals;
    expect(m.sweepIdle(Date.now() + 5000, false)).toBe(10);
    const after = m.snapshot();
    expect(after.totals).toEqual(before);
    expect(after.totals).toEqual(truth.totals);
    expect(Object.keys(after.clients)).toHaveLength(0);
    const again = m.client('new-one');
    expect(again.slot).toBeGreaterThan(0);
    expect(m.slotCount).toBe(2); // the no-client slot and the reused one
  });

  it('counts kept on client refs and tool tallies reach every reader exactly (snapshot, totals, sweep)', () => {
    const m = make({ idleTtlMs: 1000 });
    const a1 = m.client('a');
    const a2 = m.client('a'); // a second connection of the same client shares its ref
    const b = m.client('b');
    expect(a2).toBe(a1);
    for (const r of [a1, a2, b]) m.connectionOpened(r);
    for (let i = 0; i < 5; i++) {
      m.frameReceived(a1, 10);
      m.frameSent(a2, 20);
      m.frameSent(b, 30);
      m.requestDone(a1, i % 2 ? 'echo' : 'status', 5, i !== 3);
      m.requestDone(b, '', 5, true); // no tool is named '' in the daemon, but it counts
    }
    const s1 = m.snapshot();
    expect(s1.clients.a).toMatchObject({ messagesReceived: 5, messagesSent: 5 });
    expect(s1.clients.b).toMatchObject({ messagesReceived: 0, messagesSent: 5 });
    expect(s1.requests).toEqual({ status: { ok: 3, failed: 0 }, echo: { ok: 1, failed: 1 }, '': { ok: 5, failed: 0 } });
    expect(m.snapshot()).toEqual(s1); // settling twice adds nothing
    m.frameReceived(b, 1); // pending when the sweep runs
    for (const r of [a1, a2, b]) m.connectionClosed(r);
    expect(m.counterTotals()[0]).toBe(6);
    expect(m.sweepIdle(Date.now() + 5000, false)).toBe(2);
    expect(m.snapshot().totals).toMatchObject({ messagesReceived: 6, messagesSent: 10 });
    // a ref still held after its slot was reclaimed (a late reply of a closed connection) is still counted
    m.frameSent(a1, 1);
    expect(m.snapshot().totals.messagesSent).toBe(11);
    // the slot and its ref go to the next client
    const c = m.client('c');
    expect(c.id).toBe('c');
    m.frameReceived(c, 1);
    expect(m.snapshot().totals.messagesReceived).toBe(7);
  });

  it('keeps clients that are still connected when sweeping', () => {
    const m = make({ idleTtlMs: 1 });
    const r = m.client('live');
    m.connectionOpened(r);
    expect(m.sweepIdle(Date.now() + 60_000, false)).toBe(0);
  });
});

describe('fast backend: the slots a flush walks', () => {
  it('are the clients that changed since the last take, each once, by any event', () => {
    const m = make({ initialClients: 2 });
    const idle = Array.from({ length: 50 }, (_, i) => m.client(`idle-${i}`));
    for (const r of idle) m.connectionOpened(r);
    m.settle();
    expect(m.takeChangedSlots().sort((a, b) => a - b)).toEqual(idle.map((r) => r.slot)); // opened: changed
    m.settle();
    expect(m.takeChangedSlots()).toEqual([]); // nothing since
    const events: [string, (r: (typeof idle)[number]) => void][] = [
      ['frameReceived', (r) => m.frameReceived(r, 10)],
      ['frameSent', (r) => m.frameSent(r, 10)],
      ['cacheHit', (r) => m.cacheHit(r)],
      ['cacheMiss', (r) => m.cacheMiss(r)],
      ['dedupHit', (r) => m.dedupHit(r)],
      ['reconnect', (r) => m.reconnect(r)],
      ['error', (r) => m.error(r, 'tool_error')],
      ['connectionClosed', (r) => m.connectionClosed(r)],
    ];
    events.forEach(([name, event], i) => {
      event(idle[i]);
      event(idle[i]);
      m.settle();
      expect(m.takeChangedSlots(), name).toEqual([idle[i].slot]);
    });
    // an error with no client counts in slot 0, which every flush reads anyway
    m.error(null, 'protocol');
    m.settle();
    expect(m.takeChangedSlots()).toEqual([]);
  });

  it('a failed flush hands its slots back, and the next take returns them with the new ones', () => {
    const m = make();
    const [a, b] = [m.client('a'), m.client('b')];
    m.frameReceived(a, 1);
    m.settle();
    const taken = m.takeChangedSlots();
    expect(taken).toEqual([a.slot]);
    m.frameReceived(b, 1);
    m.restoreChangedSlots(taken);
    m.settle();
    expect(m.takeChangedSlots().sort((x, y) => x - y)).toEqual([a.slot, b.slot]);
    expect(m.clientId(b.slot)).toBe('b');
  });
});
