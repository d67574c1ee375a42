import type { HotPath } from '../../hot-path.ts';

export interface SessionTruth {
  /** Frames the client sent, the hello included. */
  received: number;
  /** Frames the daemon sent it so far (hello_ack included). */
  sent: () => number;
  status: number;
}

/**
 * A small mixed session per client through the daemon's real frame handling: status calls,
 * pings, a frame that is not JSON and an unknown op (both answered with an error frame), in a
 * per-client amount, with the truth kept beside it for exactness checks.
 */
export function driveMixed(hp: HotPath, ids: readonly string[]): Map<string, SessionTruth> {
  const out = new Map<string, SessionTruth>();
  for (const [k, id] of ids.entries()) {
    const c = hp.connect(id);
    let received = 1;
    let status = 0;
    for (let i = 0; i < 20 + 7 * k; i++) {
      if (i % 5 === 4) c.receive(`{"op":"ping","request_id":"p${i}"}`);
      else if (i % 11 === 10) c.receive('{not json');
      else if (i % 13 === 12) c.receive('{"op":"nope"}');
      else {
        c.receive(`{"op":"call_tool","request_id":"r${i}","name":"status","arguments":{}}`);
        status++;
      }
      received++;
    }
    out.set(id, { received, sent: () => c.sent, status });
  }
  return out;
}
