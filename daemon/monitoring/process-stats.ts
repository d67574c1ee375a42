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
}

export class StatsSampler {
  private readonly delay = monitorEventLoopDelay({ resolution: 10 });
  private lastElu: EventLoopUtilization = performance.eventLoopUtilization();

  constructor(private readonly live: LiveState) {
    this.delay.enable();
  }

  sample(): ProcessStats {
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.lastElu = performance.eventLoopUtilization();
    const p99Ns = this.delay.count > 0 ? this.delay.percentile(99) : 0;
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
    };
  }

  stop(): void {
    this.delay.disable();
  }
}
