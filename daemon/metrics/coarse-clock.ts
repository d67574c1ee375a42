/**
 * A clock that is read for free: a timer stores Date.now() in a field every `resolutionMs`, so the
 * hot path reads a number instead of calling into the runtime. Good enough for "last activity"
 * (the question is minutes, not microseconds). The timer is unref'd: it never keeps a process up.
 */
export class CoarseClock {
  now = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly resolutionMs = 100) {
    this.timer = setInterval(() => {
      this.now = Date.now();
    }, resolutionMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
