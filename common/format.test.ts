import { describe, expect, it } from 'vitest';
import {
  fmtBudget, fmtBytes, fmtChange, fmtClock, fmtInterval, fmtNs, fmtNumber, fmtOpsPerSec, fmtPct, fmtScaled, fmtSeconds, fmtShare, fmtSig, fmtSigned, fmtUs, LIVE_PCT_DIGITS,
} from './format.ts';

describe('the number convention shared by every table and report', () => {
  it('percentages are signed, budgets keep their decimals', () => {
    expect([fmtPct(1.234), fmtPct(-0.4), fmtPct(-0.001), fmtPct(null)]).toEqual(['+1.23%', '-0.40%', '0.00%', 'n/a']);
    expect(fmtInterval(-2.1, 3.456)).toBe('[-2.10%, +3.46%]');
    expect([fmtBudget(5), fmtBudget(0.5), fmtBudget(2.25), fmtBudget(0)]).toEqual(['+5%', '+0.5%', '+2.25%', '0%']);
  });

  it('a change that rounds to zero has no sign; live tables take one decimal', () => {
    expect([fmtPct(0.001), fmtPct(0), fmtPct(-0.04, LIVE_PCT_DIGITS), fmtPct(1234.5, LIVE_PCT_DIGITS)]).toEqual(['0.00%', '0.00%', '0.0%', '+1,234.5%']);
    expect(fmtChange(1.234, -0.5, 3.1, LIVE_PCT_DIGITS)).toBe('+1.2% [-0.5%, +3.1%]');
    expect([fmtChange(null, 1, 2), fmtChange(1, null, 2)]).toEqual(['n/a', '+1.00% n/a']);
  });

  it('latencies and costs pick a readable unit', () => {
    expect([fmtUs(850), fmtUs(12_345), fmtUs(1_200_000)]).toEqual(['850 us', '12.3 ms', '1.2 s']);
    expect([fmtNs(12.44), fmtNs(1234)]).toEqual(['12.4 ns', '1.23 us']);
    expect([fmtOpsPerSec(59.2), fmtOpsPerSec(2000), fmtOpsPerSec(0)]).toEqual(['16.9 M ops/s', '500 k ops/s', 'n/a']);
    expect([fmtSeconds(35.43), fmtSeconds(0.25)]).toEqual(['35.4 s', '250 ms']);
  });

  it('numbers: three significant digits for quantities, en-US grouping, n/a when missing', () => {
    expect([fmtSig(0.012345), fmtSig(17.64), fmtSig(4806.3), fmtSig(0)]).toEqual(['0.0123', '17.6', '4,806', '0']);
    expect([fmtNumber(4990, 0), fmtNumber(1234.56), fmtNumber(-0.2, 0), fmtNumber(NaN)]).toEqual(['4,990', '1,234.6', '0', 'n/a']);
    expect([fmtSigned(1200), fmtSigned(-35), fmtSigned(0.2), fmtSigned(undefined)]).toEqual(['+1,200', '-35', '0', 'n/a']);
    expect([fmtScaled(16_900_000), fmtScaled(1500), fmtScaled(12)]).toEqual(['16.9 M', '1.5 k', '12']);
    expect([fmtBytes(512), fmtBytes(1536), fmtBytes(80 * 1024 ** 2), fmtBytes(null)]).toEqual(['512 B', '1.5 KiB', '80 MiB', 'n/a']);
  });

  it('shares are unsigned with fixed decimals; progress time is m:ss', () => {
    expect([fmtShare(97), fmtShare(0.0031, 3), fmtShare(-0.0001, 3), fmtShare(null)]).toEqual(['97%', '0.003%', '0.000%', 'n/a']);
    expect([fmtClock(0), fmtClock(75.4), fmtClock(-3)]).toEqual(['0:00', '1:15', '0:00']);
  });
});
