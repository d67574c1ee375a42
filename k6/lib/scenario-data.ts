/**
 * A built-in scenario as the k6 scripts need it: the same fields, with the same values, as the
 * scenario file in scenarios/ (harness/k6/bundle.test.ts checks each against it). Plain data with
 * no k6 import, so the harness's tests can read it.
 */
export type K6Load =
  | { model: 'closed'; thinkTime?: string }
  | { model: 'open'; ratePerSec: number; arrival?: 'poisson' | 'uniform'; maxInFlight?: number };

export interface K6MixEntry {
  weight: number;
  tool: string;
  args?: Record<string, unknown>;
  repeat?: boolean;
}

export interface K6ScenarioData {
  name: string;
  clients: number;
  idleClients: number;
  load: K6Load;
  mix: K6MixEntry[];
  churn?: { everyRequests: number };
  requestTimeoutSec: number;
  /** Round 0 (warm-up, the VUs ramping up) lasts warmupSec; rounds 1..rounds last measureSec each. */
  warmupSec: number;
  rounds: number;
  measureSec: number;
}
