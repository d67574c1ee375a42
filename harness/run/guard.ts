/** The run was interrupted (SIGINT/SIGTERM): stop everything, write nothing. */
export class RunAborted extends Error {
  override name = 'RunAborted';
  constructor(readonly signalName: string) {
    super(`interrupted by ${signalName}`);
  }
}

/** Something the run depends on died mid-run (target, fakes, driver): the scenario errors out. */
export class TargetDied extends Error {
  override name = 'TargetDied';
}

const abortError = (signal: AbortSignal): RunAborted => new RunAborted(String(signal.reason ?? 'SIGINT'));

/**
 * Races every step of a scenario against the things that end it early: an abort (Ctrl-C) and the
 * death of any process it depends on. Without this a dead target would surface as a timeout
 * minutes later, or as a round full of "connection closed" errors that looks like data.
 */
export class Guard {
  private readonly deaths: Promise<never>[] = [];
  private readonly aborted: Promise<never>;
  private fire: (() => void) | null = null;

  constructor(private readonly signal: AbortSignal) {
    this.aborted = new Promise((_, reject) => {
      const fire = () => reject(abortError(signal));
      if (signal.aborted) fire();
      else {
        this.fire = fire;
        signal.addEventListener('abort', fire, { once: true });
      }
    });
    this.aborted.catch(() => undefined);
  }

  /** The scenario is over: stop listening on the run's signal (a calibration runs dozens of scenarios on one). */
  dispose(): void {
    if (this.fire) this.signal.removeEventListener('abort', this.fire);
    this.fire = null;
  }

  /** Watch a process whose death must end the scenario. */
  watch(died: Promise<string>): void {
    const p = died.then((why) => Promise.reject(new TargetDied(why)));
    p.catch(() => undefined);
    this.deaths.push(p);
  }

  run<T>(step: Promise<T>): Promise<T> {
    // The losing step may still reject later (a window of a dead driver): that is expected, not a crash.
    step.catch(() => undefined);
    this.throwIfAborted();
    return Promise.race([step, this.aborted, ...this.deaths]);
  }

  throwIfAborted(): void {
    if (this.signal.aborted) throw abortError(this.signal);
  }
}
