/** Which fault, if any, a request gets: one draw from the seeded generator against cumulative rates. */
import type { Rng } from '../../common/latency.ts';
import type { FaultRates } from './config.ts';

export type Fault = 'none' | '429' | '500' | '503' | 'hang' | 'malformed';

export function drawFault(rng: Rng, f: FaultRates): Fault {
  // No draw when no fault is configured, so enabling faults later does not shift
  // the latency sequence of a run that never had them.
  if (f.rate429 + f.rate500 + f.rate503 + f.rateHang + f.rateMalformed === 0) return 'none';
  let u = rng();
  if ((u -= f.rate429) < 0) return '429';
  if ((u -= f.rate500) < 0) return '500';
  if ((u -= f.rate503) < 0) return '503';
  if ((u -= f.rateHang) < 0) return 'hang';
  if ((u -= f.rateMalformed) < 0) return 'malformed';
  return 'none';
}
