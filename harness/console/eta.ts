/**
 * How long a run has left: the planned window time not yet run, plus the start-up (fakes,
 * targets, drivers, warm-up of the world) of every scenario not yet started, estimated from the
 * start-ups seen so far. Up front no start-up has been seen, so the first estimate is windows only
 * and says so; each scenario's start-up then makes it more exact.
 */
export class RunEta {
  private windowSecDone = 0;
  private scenariosStarted = 0;
  private startupSecSeen = 0;
  private startupsSeen = 0;
  private scenarioStartedAt: number | null = null;

  constructor(
    private readonly plannedWindowSec: number,
    private readonly scenarioCount: number,
  ) {}

  scenarioStart(nowMs: number): void {
    this.scenariosStarted++;
    this.scenarioStartedAt = nowMs;
  }

  /** The scenario's first window began: its start-up is over. */
  windowStart(nowMs: number): void {
    if (this.scenarioStartedAt === null) return;
    this.startupSecSeen += (nowMs - this.scenarioStartedAt) / 1000;
    this.startupsSeen++;
    this.scenarioStartedAt = null;
  }

  windowDone(durationSec: number): void {
    this.windowSecDone += durationSec;
  }

  /** Seconds left, and whether start-up is included (false until one start-up was seen). */
  remaining(inWindowSec = 0): { sec: number; withStartup: boolean } {
    const windows = Math.max(0, this.plannedWindowSec - this.windowSecDone - inWindowSec);
    if (this.startupsSeen === 0) return { sec: windows, withStartup: false };
    const perStartup = this.startupSecSeen / this.startupsSeen;
    // Start-ups to come: the scenarios not started yet, and the current one if still starting.
    const pending = Math.max(0, this.scenarioCount - this.scenariosStarted) + (this.scenarioStartedAt === null ? 0 : 1);
    return { sec: windows + perStartup * pending, withStartup: true };
  }
}
