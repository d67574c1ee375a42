import type { Phase, VariantName } from '../run/events.ts';

/**
 * A scenario's wall time: a fixed part (start-up and shutdown of fakes, targets and drivers) plus
 * its planned window seconds at a pace (the settling windows after the initial warm-up, the drain
 * after each window, the monitoring reads). Fitted to three whole runs on the 2-core reference
 * machine (2026-12-02, six scenarios each, `node bin/overbench.mjs realistic` with `--profile
 * smoke`, the default profile and `gate`): 2:00 for 39 s of planned windows, 9:08 for 280 s, and
 * ~5:05 for 136 s (the gate's realistic part): 6 x 8 s + 1.75 x planned gives 1:56, 8:58 and
 * 4:46. A pace alone (1.85, fitted to the default runs) read smoke's 2:00 as 1:12. By scenario,
 * wall / planned seconds at the default profile: chat-realistic 87/50, cluster 103/44,
 * hot-path-open 70/48, many-idle 69/44, provider-slow 129/50 (its windows each wait for slow
 * provider calls), reconnect-churn 65/44.
 */
export const PRIOR_STARTUP_SEC = 8;
export const PRIOR_PACE = 1.75;

/** The scenario running now: when it began, and how far its rounds got. */
interface Current {
  plannedSec: number;
  startedMs: number;
  /** Rounds planned so far (sequential testing adds some): the latest window-start's `rounds`. */
  rounds: number;
  /** Start of its first round's first window (warm-up or measure), after start-up and settling. */
  roundsStartMs: number | null;
  /** The variants whose round-done arrived, by round number. */
  variantsDone: Map<number, Set<VariantName>>;
  roundsDone: number;
  lastRoundMs: number;
}

/**
 * How long a run has left, in wall seconds, from the events and the times they arrived (no clock
 * of its own, so tests drive it). Planned window seconds alone undercount badly (see PRIOR_PACE),
 * and the settling windows are not in the plan, so window time run says little about what is
 * left; instead:
 * - scenarios not started: PRIOR_STARTUP_SEC each, and their planned seconds at the pace of the
 *   scenarios finished so far (their time beyond start-up over their planned seconds), or
 *   PRIOR_PACE before any finished;
 * - the scenario running: the same, less its time so far, until a round finished; then the
 *   rounds left at its own mean time per round so far, less the time since the latest one.
 */
export class RunEta {
  private started = 0;
  private finishedWallSec = 0;
  private finishedPlannedSec = 0;
  private current: Current | null = null;

  constructor(
    /** Each scenario's planned window seconds, in run order (the run-start event's). */
    private readonly plannedSec: readonly number[],
    private readonly priorPace = PRIOR_PACE,
  ) {}

  scenarioStart(nowMs: number): void {
    this.current = {
      plannedSec: this.plannedSec[this.started] ?? 0,
      startedMs: nowMs,
      rounds: 0,
      roundsStartMs: null,
      variantsDone: new Map(),
      roundsDone: 0,
      lastRoundMs: nowMs,
    };
    this.started++;
  }

  windowStart(nowMs: number, w: { phase: Phase; rounds: number }): void {
    const c = this.current;
    if (!c) return;
    c.rounds = w.rounds;
    if (w.phase !== 'initial-warmup') c.roundsStartMs ??= nowMs;
  }

  /** One variant's measured window of `round`; the round is done once both variants' are in. */
  roundDone(nowMs: number, round: number, variant: VariantName): void {
    const c = this.current;
    if (!c) return;
    const done = c.variantsDone.get(round) ?? new Set<VariantName>();
    c.variantsDone.set(round, done.add(variant));
    if (done.size < 2) return;
    c.variantsDone.delete(round);
    c.roundsDone++;
    c.lastRoundMs = nowMs;
  }

  scenarioEnd(nowMs: number): void {
    const c = this.current;
    if (!c) return;
    this.finishedWallSec += (nowMs - c.startedMs) / 1000;
    this.finishedPlannedSec += c.plannedSec;
    this.current = null;
  }

  /**
   * Wall seconds per planned second beyond each scenario's fixed PRIOR_STARTUP_SEC: that of the
   * finished scenarios, else the prior.
   */
  pace(): number {
    if (this.finishedPlannedSec <= 0) return this.priorPace;
    const scenarios = this.started - (this.current ? 1 : 0);
    return Math.max(1, (this.finishedWallSec - scenarios * PRIOR_STARTUP_SEC) / this.finishedPlannedSec);
  }

  /** Seconds the run has left at `nowMs`, never negative. */
  remaining(nowMs: number): number {
    const pace = this.pace();
    const toCome = this.plannedSec.slice(this.started).reduce((s, p) => s + PRIOR_STARTUP_SEC + p * pace, 0);
    return toCome + (this.current ? this.currentLeft(this.current, pace, nowMs) : 0);
  }

  private currentLeft(c: Current, pace: number, nowMs: number): number {
    const since = (ms: number) => (nowMs - ms) / 1000;
    if (c.roundsDone === 0 || c.roundsStartMs === null) return Math.max(0, PRIOR_STARTUP_SEC + c.plannedSec * pace - since(c.startedMs));
    // Its own rounds so far, including any start-up of a further pair of processes between them.
    const perRound = (c.lastRoundMs - c.roundsStartMs) / 1000 / c.roundsDone;
    return Math.max(0, (c.rounds - c.roundsDone) * perRound - since(c.lastRoundMs));
  }
}
