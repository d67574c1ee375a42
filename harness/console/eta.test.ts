import { describe, expect, it } from 'vitest';
import type { Phase } from '../run/events.ts';
import { PRIOR_PACE, PRIOR_STARTUP_SEC as S, RunEta } from './eta.ts';

const s = (sec: number) => sec * 1000;

const windowAt = (eta: RunEta, atSec: number, phase: Phase, rounds = 6) => eta.windowStart(s(atSec), { phase, rounds });

/** Round `n` of `rounds` ends at `atSec`: both variants' round-done (a duet's arrive together). */
function roundEnds(eta: RunEta, n: number, rounds: number, atSec: number): void {
  eta.windowStart(s(atSec) - 1, { phase: 'measure', rounds });
  eta.roundDone(s(atSec), n, 'baseline');
  eta.roundDone(s(atSec), n, 'instrumented');
}

describe('RunEta', () => {
  it('up front: a fixed start-up per scenario, and the planned windows at the prior pace', () => {
    expect(new RunEta([46, 40, 44]).remaining(0)).toBeCloseTo(3 * S + 130 * PRIOR_PACE);
  });

  it('charges the scenarios to come at the pace of those finished, beyond their start-ups', () => {
    const eta = new RunEta([10, 20, 30]);
    eta.scenarioStart(0);
    eta.scenarioEnd(s(S + 20)); // 20 s beyond its start-up for 10 planned: pace 2
    expect(eta.pace()).toBe(2);
    expect(eta.remaining(s(S + 20))).toBeCloseTo(2 * S + (20 + 30) * 2);
    eta.scenarioStart(s(S + 21));
    eta.scenarioEnd(s(2 * S + 81)); // 60 s for 20: the pace is now 80 / 30
    expect(eta.remaining(s(2 * S + 81))).toBeCloseTo(S + 30 * (80 / 30));
  });

  it('the scenario running: its planned time at the pace, less its time so far, until a round is done', () => {
    const eta = new RunEta([40, 50]);
    eta.scenarioStart(0);
    windowAt(eta, 8, 'initial-warmup');
    windowAt(eta, 20, 'warmup');
    expect(eta.remaining(s(30))).toBeCloseTo(2 * S + (40 + 50) * PRIOR_PACE - 30);
  });

  it('then the rounds left at its mean time per round, less the time since the latest', () => {
    const eta = new RunEta([60]);
    eta.scenarioStart(0);
    windowAt(eta, 5, 'initial-warmup');
    windowAt(eta, 10, 'warmup'); // rounds start here
    roundEnds(eta, 1, 6, 20);
    // Interleaved: one variant's window does not finish the round.
    windowAt(eta, 21, 'warmup');
    eta.roundDone(s(25), 2, 'baseline');
    expect(eta.remaining(s(25))).toBeCloseTo(5 * 10 - 5);
    eta.roundDone(s(30), 2, 'instrumented');
    expect(eta.remaining(s(33))).toBeCloseTo(4 * 10 - 3);
  });

  it('unplanned settling windows do not make it fall faster than the clock', () => {
    const eta = new RunEta([40]);
    eta.scenarioStart(0);
    for (let t = 5; t < 15; t++) windowAt(eta, t, 'initial-warmup');
    expect(eta.remaining(s(15))).toBeCloseTo(S + 40 * PRIOR_PACE - 15);
  });

  it('never goes below zero', () => {
    const eta = new RunEta([10]);
    eta.scenarioStart(0);
    expect(eta.remaining(s(100))).toBe(0);
    windowAt(eta, 100, 'warmup');
    roundEnds(eta, 1, 2, 110);
    expect(eta.remaining(s(200))).toBe(0);
  });

  it('rounds added by sequential testing raise it', () => {
    const eta = new RunEta([20]);
    eta.scenarioStart(0);
    windowAt(eta, 10, 'warmup', 2);
    roundEnds(eta, 1, 2, 20);
    roundEnds(eta, 2, 2, 30);
    expect(eta.remaining(s(30))).toBe(0);
    windowAt(eta, 30, 'warmup', 4); // two rounds more
    expect(eta.remaining(s(32))).toBeCloseTo(2 * 10 - 2);
  });

  it('a later pair of processes (a new start-up between rounds) counts in the time per round', () => {
    const eta = new RunEta([40]);
    eta.scenarioStart(0);
    windowAt(eta, 10, 'warmup', 4);
    roundEnds(eta, 1, 4, 20);
    roundEnds(eta, 2, 4, 30);
    windowAt(eta, 30, 'initial-warmup', 4); // the second pair: start-up and settling
    roundEnds(eta, 3, 4, 60);
    expect(eta.remaining(s(60))).toBeCloseTo(1 * (50 / 3));
  });
});
