/**
 * The CPU a metrics backend spends in its own timers (flushes, roll-ups, idle sweeps), for
 * MetricsBackend.timerCpuUs: process.cpuUsage() before and after each synchronous part (a
 * getrusage pair, ~3.5 us on the build machine). Process-wide, so a helper thread busy at that
 * moment counts too.
 */
export class TimerCpu {
  private us = 0;

  get totalUs(): number {
    return this.us;
  }

  /** Charge the CPU used since `from`, a process.cpuUsage() taken where the part began. */
  charge(from: NodeJS.CpuUsage): void {
    const d = process.cpuUsage(from);
    this.us += d.user + d.system;
  }

  /** Run `fn` and charge what it used. */
  run<T>(fn: () => T): T {
    const from = process.cpuUsage();
    try {
      return fn();
    } finally {
      this.charge(from);
    }
  }
}
