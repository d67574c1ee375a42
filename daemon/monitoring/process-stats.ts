/**
 * `/stats`: the daemon's own CPU, memory and event-loop health. Event-loop utilisation and the
 * delay p99 are over the interval since the previous /stats request (the harness reads it per round).
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import type { LiveState } from '../live-state.ts';

export interface ProcessStats {
  pid: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  /**
   * Bytes in use in V8's old space. Between two major collections it only grows, by what the
   * young generation promoted: the harness reports its growth per window, which is the work a
   * major collection would later do for that window (reference-daemon-argv.ts says why the
   * reference daemon's runs hold no major collection).
   */
  oldSpaceBytes: number;
  eventLoopUtilization: number;
  eventLoopDelayP99Ms: number;
  connections: number;
  inflight: number;
  /**
   * Asked for with `/stats?gc=young`: how long the young-generation collection made just before
   * this sample took (us); absent where the process does not expose `gc` (`--expose-gc`).
   */
  youngGcUs?: number;
  /**
   * The metrics backend's CPU in its own timers so far (us; MetricsBackend.timerCpuUs): flushes,
   * roll-ups, idle sweeps. Absent where the backend does not count it.
   */
  metricsTimerCpuUs?: number;
}

/** V8's `gc` (with `--expose-gc`): `{ type: 'minor' }` collects the young generation only. */
type ExposedGc = (opts: { type: 'minor' | 'major' }) => void;

export class StatsSampler {
  private readonly delay = monitorEventLoopDelay({ resolution: 10 });
  private lastElu: EventLoopUtilization = performance.eventLoopUtilization();

  private readonly gc: ExposedGc | undefined;
  private readonly metricsTimerCpuUs: () => number | undefined;

  /**
   * `gc`: V8's, where exposed (the default), or a stand-in; null: none. `metricsTimerCpuUs`: the
   * metrics backend's timer CPU (MetricsBackend.timerCpuUs), served where it gives a number.
   */
  constructor(
    private readonly live: LiveState,
    from: { gc?: ExposedGc | null; metricsTimerCpuUs?: () => number | undefined } = {},
  ) {
    this.gc = from.gc === undefined ? (globalThis as { gc?: ExposedGc }).gc : (from.gc ?? undefined);
    this.metricsTimerCpuUs = from.metricsTimerCpuUs ?? (() => undefined);
    this.delay.enable();
  }

  /**
   * `collectYoung`: first collect the young generation, where `gc` is exposed. The harness asks
   * for it as each window starts, so both daemons of a pair begin it with an empty nursery and
   * then collect at about the same points of the same requests (README, "How a verdict is reached").
   */
  sample(opts: { collectYoung?: boolean } = {}): ProcessStats {
    let youngGcUs: number | undefined;
    if (opts.collectYoung && this.gc) {
      const t0 = performance.now();
      this.gc({ type: 'minor' });
      youngGcUs = Math.round((performance.now() - t0) * 1000);
    }
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.lastElu = performance.eventLoopUtilization();
    const p99Ns = this.delay.count > 0 ? this.delay.percentile(99) : 0;
    const timerCpuUs = this.metricsTimerCpuUs();
    this.delay.reset();
    return {
      pid: process.pid,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      rssBytes: process.memoryUsage.rss(),
      oldSpaceBytes: getHeapSpaceStatistics().find((sp) => sp.space_name === 'old_space')?.space_used_size ?? 0,
      eventLoopUtilization: Math.round(elu.utilization * 10_000) / 10_000,
      eventLoopDelayP99Ms: Math.round(p99Ns / 1000) / 1000,
      connections: this.live.connections,
      inflight: this.live.inflight,
      ...(youngGcUs !== undefined && { youngGcUs }),
      ...(timerCpuUs !== undefined && { metricsTimerCpuUs: Math.round(timerCpuUs) }),
    };
  }

  stop(): void {
    this.delay.disable();
  }
}
