import { createHotPath } from '../../daemon/hot-path.ts';
import { NoneMetrics } from '../../daemon/metrics/none.ts';
import type { ClientRef, StageId } from '../../daemon/metrics/types.ts';
import { METRIC_CALLS, type MetricCall } from './messages.ts';

export type CallCensus = Record<MetricCall, number>;

/** Calls per status frame, and the clock reads the daemon's own code makes per frame. */
export interface StatusCensus {
  calls: CallCensus;
  /** performance.now() and Date.now() reads per status frame, with a backend that reads none. */
  clockReads: number;
}

/** Counts the calls of interest and does nothing else. */
class CountingMetrics extends NoneMetrics {
  readonly counts: CallCensus = { frameReceived: 0, frameSent: 0, stageLatency: 0, requestDone: 0 };
  override frameReceived(_c: ClientRef, _bytes: number): void {
    this.counts.frameReceived++;
  }
  override frameSent(_c: ClientRef, _bytes: number): void {
    this.counts.frameSent++;
  }
  override stageLatency(_stage: StageId, _us: number): void {
    this.counts.stageLatency++;
  }
  override requestDone(_c: ClientRef, _tool: string, _us: number, _ok: boolean): void {
    this.counts.requestDone++;
  }
}

/**
 * How many of each metrics call the daemon makes per `call_tool status` frame, counted on the
 * daemon's own hot path (daemon/hot-path.ts) rather than written down: the account multiplies
 * each call's measured cost by these. Deterministic; the hello is left out.
 */
export function statusCallCensus(frames = 100): StatusCensus {
  const m = new CountingMetrics();
  const conn = createHotPath(m).connect('census-0');
  const before = { ...m.counts };
  let clockReads = 0;
  const perfNow = performance.now;
  const dateNow = Date.now;
  // counted on the daemon's own calls only: the frames are built before the clocks are wrapped
  const raw = Array.from({ length: frames }, (_, k) => JSON.stringify({ op: 'call_tool', request_id: `census-${k}`, name: 'status', arguments: {} }));
  performance.now = () => (clockReads++, perfNow.call(performance));
  Date.now = () => (clockReads++, dateNow());
  try {
    for (const frame of raw) conn.receive(frame);
  } finally {
    performance.now = perfNow;
    Date.now = dateNow;
  }
  conn.close();
  const calls = {} as CallCensus;
  for (const call of METRIC_CALLS) calls[call] = (m.counts[call] - before[call]) / frames;
  return { calls, clockReads: clockReads / frames };
}

/** The calls the record workload makes per operation (subjects.ts recordSubject). */
export const RECORD_CENSUS: CallCensus = { frameReceived: 1, frameSent: 1, stageLatency: 1, requestDone: 0 };
