import { describe, expect, it } from 'vitest';
import { spanShare, WindowRecorder } from './recorder.ts';

describe('spanShare', () => {
  it('counts a request inside the span whole, one outside not at all, and one across an edge by its part inside', () => {
    expect(spanShare(100, 300, 0, 1000)).toBe(1);
    expect(spanShare(1100, 1300, 0, 1000)).toBe(0);
    expect(spanShare(900, 1300, 0, 1000)).toBeCloseTo(0.25, 12);
    expect(spanShare(-100, 300, 0, 1000)).toBeCloseTo(0.75, 12);
    expect(spanShare(-100, 1100, 0, 1000)).toBeCloseTo(1000 / 1200, 12);
    // a request of no duration counts where it lies
    expect(spanShare(500, 500, 0, 1000)).toBe(1);
    expect(spanShare(1500, 1500, 0, 1000)).toBe(0);
  });

  it('moves continuously as a request slides across the end of the span, where a count jumps by one', () => {
    const lengthMs = 800;
    let prev = spanShare(1000 - 5, 1000 - 5 + lengthMs, 0, 1000);
    for (let start = 995; start <= 1005; start += 0.5) {
      const share = spanShare(start, start + lengthMs, 0, 1000);
      expect(Math.abs(share - prev)).toBeLessThanOrEqual(0.5 / lengthMs + 1e-12);
      prev = share;
    }
    expect(spanShare(999.9, 1799.9, 0, 1000)).toBeLessThan(0.001);
  });
});

describe('WindowRecorder okInSpan', () => {
  it('weighs successes by their share of the span when asked (closed model), and counts them whole otherwise', () => {
    const closed = new WindowRecorder(['status']);
    closed.reset(true, { start: 0, weighEdges: true });
    closed.ok(0, 200_000, 100); // 100-300 ms: inside
    closed.endSpan(1000);
    closed.ok(0, 400_000, 900); // 900-1300 ms: a quarter inside
    closed.fail(0, 'timeout');
    const s = closed.finish(1000, { user: 0, system: 0 });
    expect(s.requests).toBe(3);
    expect(s.errors).toBe(1);
    expect(s.okInSpan).toBeCloseTo(1.25, 9);

    const open = new WindowRecorder(['status']);
    open.reset(true, { start: 0, weighEdges: false });
    open.endSpan(1000);
    open.ok(0, 400_000, 900);
    open.countError('protocol'); // a fault of no request: not a success, and no request lost either
    expect(open.finish(1000, { user: 0, system: 0 }).okInSpan).toBe(1);
  });

  it('starts each window anew: span, weights and count', () => {
    const r = new WindowRecorder(['status']);
    r.reset(true, { start: 0, weighEdges: true });
    r.endSpan(1000);
    r.ok(0, 1_000_000, 500);
    r.reset(true, { start: 5000, weighEdges: true });
    r.ok(0, 100_000, 5100); // the span's end is open again until the load stops
    expect(r.finish(1000, { user: 0, system: 0 }).okInSpan).toBe(1);
  });
});

describe('WindowRecorder finish times (matched work)', () => {
  it("keeps each client's finish times after the span start, in order, up to its first failure, only when asked", () => {
    const r = new WindowRecorder(['chat']);
    r.reset(true, { start: 1000, weighEdges: true, clients: 3 });
    r.ok(0, 200_000, 1000, 0); // client 0 ends at 200 ms
    r.ok(0, 50_000, 1100, 1);
    r.ok(0, 300_000, 1300, 0); // 600 ms
    r.fail(0, 'timeout', 1); // client 1 failed: its later finishes are not kept
    r.ok(0, 10_000, 1500, 1);
    r.ok(0, 100_000, 2000, 2);
    expect(r.finish(1000, { user: 0, system: 0 }).finishesMs).toEqual([[200, 600], [150], [1100]]);

    r.reset(true, { start: 0, weighEdges: true, clients: 3 }); // a new window forgets the failure
    r.ok(0, 1000, 0, 1);
    expect(r.finish(1000, { user: 0, system: 0 }).finishesMs).toEqual([[], [1], []]);

    r.reset(false, { start: 0, weighEdges: true, clients: 3 }); // warm-up: nothing kept
    r.ok(0, 1000, 0, 1);
    expect(r.finish(1000, { user: 0, system: 0 }).finishesMs).toBeUndefined();
    r.reset(true, { start: 0, weighEdges: false }); // open model
    r.ok(0, 1000, 0, 1);
    expect(r.finish(1000, { user: 0, system: 0 }).finishesMs).toBeUndefined();
  });
});
