import { emptyCounters, StageId, type ClientCounters, type ClientRef, type ErrorKind, type MetricsBackend } from '../types.ts';

/**
 * A scripted sequence of events across several clients, with the truth kept beside it, so every
 * backend's snapshot can be checked against what really happened.
 */
export interface Truth {
  totals: ClientCounters;
  clients: Record<string, ClientCounters>;
  errorsByKind: Partial<Record<ErrorKind, number>>;
  stageCount: number;
}

/** `ids` names the clients (default `client-0`, `client-1`, ...; `clients` of them). */
export function runScript(m: MetricsBackend, opts: { clients: number; framesPerClient: number; ids?: string[] }): Truth {
  const truth: Truth = { totals: emptyCounters(), clients: {}, errorsByKind: {}, stageCount: 0 };
  const bump = (id: string | null, k: keyof ClientCounters, n = 1) => {
    truth.totals[k] += n;
    if (id !== null) (truth.clients[id] ??= emptyCounters())[k] += n;
  };
  const error = (r: ClientRef | null, kind: ErrorKind) => {
    m.error(r, kind);
    bump(r?.id ?? null, 'errors');
    truth.errorsByKind[kind] = (truth.errorsByKind[kind] ?? 0) + 1;
  };
  const ids = opts.ids ?? Array.from({ length: opts.clients }, (_, i) => `client-${i}`);
  const refs = ids.map((id) => m.client(id));
  for (const r of refs) {
    m.connectionOpened(r);
    bump(r.id, 'connectionsOpened');
  }
  for (let f = 0; f < opts.framesPerClient; f++) {
    for (let i = 0; i < refs.length; i++) {
      const r = refs[i];
      m.frameReceived(r, 100 + i);
      bump(r.id, 'messagesReceived');
      // clients differ in what they do, so per-client counters are not all alike
      const replies = 1 + (i % 3);
      for (let k = 0; k < replies; k++) {
        m.frameSent(r, 200);
        bump(r.id, 'messagesSent');
      }
      if ((f + i) % 4 === 0) { m.cacheHit(r); bump(r.id, 'cacheHits'); } else { m.cacheMiss(r); bump(r.id, 'cacheMisses'); }
      if (f % 50 === i % 50) { m.dedupHit(r); bump(r.id, 'dedupHits'); }
      if (f % 97 === 0) error(r, i % 2 === 0 ? 'tool_error' : 'provider');
      m.stageLatency(StageId.total, 50 + ((f * 7 + i) % 400));
      truth.stageCount += 1;
      m.requestDone(r, i % 2 === 0 ? 'status' : 'chat', 120, f % 10 !== 0);
    }
  }
  error(null, 'protocol');
  for (const r of refs) {
    m.reconnect(r);
    bump(r.id, 'reconnects');
    m.connectionClosed(r);
    bump(r.id, 'connectionsClosed');
  }
  m.circuitChange('glm', 'CLOSED', 'OPEN');
  return truth;
}
