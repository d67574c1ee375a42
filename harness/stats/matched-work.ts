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
 * variant that fails fast must not look quick) and when each variant finished the last of them;
 * the work's time is the mean over clients, and its rate requests / time. Same work, so the ratio
 * of the two rates is the ratio of the times: the throughput ratio of a closed loop, whose cycle
 * is response + think, with the think times common to both.
 */

export interface MatchedWork {
  /** Requests finished by both variants (the same calls). */
  requests: number;
  /** Clients with at least one such request. */
  clients: number;
  /** Each variant's mean, over those clients, of when it finished the last of them (ms after the window began). */
  baselineMs: number;
  instrumentedMs: number;
}

/**
 * The work two windows share, from each one's per-client finish times (WindowStats.finishesMs);
 * null when they share none or the clients differ in number.
 */
export function matchWork(baseline: readonly (readonly number[])[], instrumented: readonly (readonly number[])[]): MatchedWork | null {
  if (baseline.length !== instrumented.length) return null;
  let requests = 0;
  let clients = 0;
  let b = 0;
  let x = 0;
  for (let i = 0; i < baseline.length; i++) {
    const n = Math.min(baseline[i].length, instrumented[i].length);
    if (n === 0) continue;
    requests += n;
    clients++;
    b += baseline[i][n - 1];
    x += instrumented[i][n - 1];
  }
  if (clients === 0 || !(b > 0) || !(x > 0)) return null;
  return { requests, clients, baselineMs: b / clients, instrumentedMs: x / clients };
}

/** Requests per second of the matched work as one variant did it. */
export function matchedRate(requests: number, meanMs: number): number {
  return (requests * 1000) / meanMs;
}
