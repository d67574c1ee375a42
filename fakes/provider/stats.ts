/**
 * Request counters served on GET /__stats, so tests can check what the fake actually saw.
 * Alike in shape to fakes/supabase/stats.ts, not in content: each fake counts its own outcomes.
 */

export type Outcome = 'ok' | 'stream' | '429' | '500' | '503' | 'hang' | 'malformed' | '400' | '401' | '404' | '405';

export interface ProviderStats {
  /** Chat completion requests (any outcome), control/stats requests excluded. */
  requests: number;
  byPath: Record<string, number>;
  byOutcome: Record<Outcome, number>;
  /** Requests whose answer is still pending (delayed, streaming or hanging). */
  inFlight: number;
  /** Hanging requests whose client has not disconnected yet. */
  hanging: number;
  /** Clients that disconnected before the answer was complete. */
  aborted: number;
  /** 429s from the requests- and tokens-per-minute limits (also counted in byOutcome['429']). */
  limited: { rpm: number; tpm: number };
  /** Files uploaded through <prefix>/files. */
  files: number;
}

export function newStats(): ProviderStats {
  return {
    requests: 0,
    byPath: {},
    byOutcome: { ok: 0, stream: 0, '429': 0, '500': 0, '503': 0, hang: 0, malformed: 0, '400': 0, '401': 0, '404': 0, '405': 0 },
    inFlight: 0,
    hanging: 0,
    aborted: 0,
    limited: { rpm: 0, tpm: 0 },
    files: 0,
  };
}
