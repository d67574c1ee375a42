import { describe, expect, it } from 'vitest';
import { RunEta } from './eta.ts';

describe('RunEta', () => {
  it('up front: the planned windows only, and says start-up is not in it', () => {
    expect(new RunEta(120, 3).remaining()).toEqual({ sec: 120, withStartup: false });
  });

  it('keeps current: windows run come off, and the start-ups seen are charged to the scenarios left', () => {
    const eta = new RunEta(120, 3);
    eta.scenarioStart(0);
    eta.windowStart(8_000); // 8 s of start-up
    eta.windowDone(10);
    expect(eta.remaining(5)).toEqual({ sec: 120 - 10 - 5 + 8 * 2, withStartup: true });
    eta.scenarioStart(60_000); // still starting: its own start-up is still to come
    expect(eta.remaining()).toEqual({ sec: 110 + 8 * 2, withStartup: true });
    eta.windowStart(64_000); // 4 s: the mean start-up is now 6 s
    expect(eta.remaining()).toEqual({ sec: 110 + 6 * 1, withStartup: true });
  });

  it('never goes below zero when windows run long', () => {
    const eta = new RunEta(10, 1);
    eta.windowDone(12);
    expect(eta.remaining().sec).toBe(0);
  });
});
