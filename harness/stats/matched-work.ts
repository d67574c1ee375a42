/**
 * Throughput of a closed model as the time two variants took for the same requests.
 *
 * Why: with common random numbers both drivers send the very same requests (client i's k-th call
 * is the same call, waits as long on the provider, thinks as long after), so the two variants'
 * clients follow the same paths and part only by what the targets add. A window's own count
 * (spanShare) also carries where each client happened to be when the window closed; timing the
 * same calls leaves that out. Measured on the same rounds (`realistic --profile ci`, seeds 1911
 * and 1912): the sd of the per-round throughput change fell from 0.59 to 0.55 and from 0.83 to
 * 0.62 points in provider-slow, from 0.30 to 0.23 in chat-realistic, and stayed 1.1 in
 * reconnect-churn, whose clients are bound by the CPU, not by waits; the means agreed.
 *
 * For each client, the requests both variants finished (up to either one's first failure: a
 * variant that fails fast must not look quick) and how long each variant took for them; the
 * work's time is the mean over clients, and its rate requests / time. Same work, so the ratio
 * of the two rates is the ratio of the times: the throughput ratio of a closed loop, whose cycle
 * is response + think, with the think times common to both.
 */

export interface MatchedWork {
  /** Requests finished by both variants (the same calls). */
  requests: number;
  /** Clients with at least one such request. */
  clients: number;
  /** Each variant's mean, over those clients, of the time it took for them (ms). */
  baselineMs: number;
  instrumentedMs: number;
}

/**
 * One variant's window as matchWork reads it: by client, the finish times (ms after the window
 * began) of consecutive calls. A window that began the load begins every client at its call 0,
 * and the work is timed from the window's start. Under a load that runs on between windows each
 * client begins mid-sequence, at `firstTurn`, and the call before it ended at `priorMs` (null:
 * unknown); the two variants' windows then begin at different calls, which are paired by turn.
 */
export interface ClientFinishes {
  finishesMs: readonly (readonly number[])[];
  firstTurn?: readonly number[];
  priorMs?: readonly (number | null)[];
}

/** When `client`'s call `turn` ended in window `w`: listed, the one before the first listed, or null. */
function endOf(w: ClientFinishes, client: number, turn: number): number | null {
  const first = w.firstTurn?.[client] ?? 0;
  if (turn >= first) return w.finishesMs[client][turn - first] ?? null;
  if (turn !== first - 1) return null;
  return w.priorMs ? (w.priorMs[client] ?? null) : 0;
}

/**
 * The work two windows share: for each client, the calls (by turn) both variants finished, and
 * how long each took for them, from the end of the call before the first to the end of the last;
 * null when they share none or the clients differ in number. Finish times as plain arrays: a window
 * that began the load (every client at call 0, timed from the window's start).
 */
export function matchWork(baseline: ClientFinishes | readonly (readonly number[])[], instrumented: ClientFinishes | readonly (readonly number[])[]): MatchedWork | null {
  const b = 'finishesMs' in baseline ? baseline : { finishesMs: baseline };
  const x = 'finishesMs' in instrumented ? instrumented : { finishesMs: instrumented };
  if (b.finishesMs.length !== x.finishesMs.length) return null;
  let requests = 0;
  let clients = 0;
  let bMs = 0;
  let xMs = 0;
  for (let i = 0; i < b.finishesMs.length; i++) {
    const nb = b.finishesMs[i].length;
    const nx = x.finishesMs[i].length;
    if (nb === 0 || nx === 0) continue;
    const fb = b.firstTurn?.[i] ?? 0;
    const fx = x.firstTurn?.[i] ?? 0;
    let lo = Math.max(fb, fx);
    const hi = Math.min(fb + nb, fx + nx) - 1;
    // Timed from the end of the call before `lo`, in each variant: where one does not know it, start a call later.
    while (lo <= hi && (endOf(b, i, lo - 1) === null || endOf(x, i, lo - 1) === null)) lo++;
    if (lo > hi) continue;
    requests += hi - lo + 1;
    clients++;
    bMs += endOf(b, i, hi)! - endOf(b, i, lo - 1)!;
    xMs += endOf(x, i, hi)! - endOf(x, i, lo - 1)!;
  }
  if (clients === 0 || !(bMs > 0) || !(xMs > 0)) return null;
  return { requests, clients, baselineMs: bMs / clients, instrumentedMs: xMs / clients };
}

/** Requests per second of the matched work as one variant did it. */
export function matchedRate(requests: number, meanMs: number): number {
  return (requests * 1000) / meanMs;
}
