/**
 * How overbench writes a number for a person. Every table, report and message takes its numbers
 * from here, so the terminal, Markdown, JUnit and HTML say the same thing the same way.
 *
 * The convention:
 * - A value that is missing (null, undefined, NaN, infinite) is `n/a`. A cell that does not apply
 *   (the baseline's own overhead, its budget) is left empty instead.
 * - A change is a signed percentage: `+1.23%`, `-0.40%`, and zero without a sign, `0.00%` (never
 *   `-0.00%`). Two decimals (PCT_DIGITS) in everything rendered from a result file: JUnit messages,
 *   Markdown, HTML and `overbench compare`, so the files of one result agree digit for digit. One
 *   decimal (LIVE_PCT_DIGITS) in the tables a run prints as it goes (the scenario table, the tight
 *   table): a reader scans many rows there, and the intervals are wider than a tenth of a percent.
 * - A budget reads as written, signed like the change it bounds: `+5%`, `+0.5%`, `+2.25%`.
 * - A share or utilisation is unsigned: `97%`, `0.003%`.
 * - A quantity with a unit keeps three significant digits, never fewer than its integer part:
 *   `850 us`, `12.3 ms`, `1.2 s`, `12.4 ns`, `16.9 M ops/s`, `4,806`, `1.5 MiB`. Units are ASCII
 *   (`us`, not `µs`), so logs grep and columns align.
 * - Counts and plain numbers are grouped the en-US way: `4,990`, `1,234.5`.
 * - An interval is `[low, high]`, each end in the format of its values.
 * - Elapsed and remaining time on a progress line is `m:ss`.
 */

export const MISSING = 'n/a';
/** Decimals of a percentage rendered from a result file (JUnit, Markdown, HTML, compare). */
export const PCT_DIGITS = 2;
/** Decimals of a percentage in the tables a run prints while it runs. */
export const LIVE_PCT_DIGITS = 1;

type Maybe = number | null | undefined;

const known = (x: Maybe): x is number => x != null && Number.isFinite(x);

/** A value that rounds to zero has no sign: "-0.00" -> "0.00". */
const zeroUnsigned = (text: string) => (/^-[0.,]+$/.test(text) ? text.slice(1) : text);

/** `+` in front of a positive value, none in front of one that rounds to zero. */
function signed(x: number, text: string): string {
  return x > 0 && !/^[0.,]+$/.test(text) ? `+${text}` : zeroUnsigned(text);
}

/** Grouped en-US with exactly `digits` decimals: 1,234.50. */
const fixed = (x: number, digits: number) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Grouped en-US, at most `digits` decimals: 4,990; 1,234.5. */
export function fmtNumber(x: Maybe, digits = 1): string {
  if (!known(x)) return MISSING;
  return zeroUnsigned(x.toLocaleString('en-US', { maximumFractionDigits: digits }));
}

/** A signed number, grouped: +1,200; -35; 0. */
export function fmtSigned(x: Maybe, digits = 0): string {
  return known(x) ? signed(x, fmtNumber(x, digits)) : MISSING;
}

/** Three significant digits, never fewer than the integer part, grouped: 0.0123, 12.4, 4,806. */
export function fmtSig(x: Maybe): string {
  if (!known(x)) return MISSING;
  if (x === 0) return '0';
  if (Math.abs(x) >= 100) return fmtNumber(Math.round(x), 0);
  return String(Number(x.toPrecision(3)));
}

/** A change: signed percent with fixed decimals, "+1.23%", "-0.40%", "0.00%". */
export function fmtPct(x: Maybe, digits = PCT_DIGITS): string {
  return known(x) ? `${signed(x, fixed(x, digits))}%` : MISSING;
}

/** A share or utilisation: unsigned percent with fixed decimals, "97%", "0.003%". */
export function fmtShare(x: Maybe, digits = 0): string {
  return known(x) ? `${zeroUnsigned(fixed(x, digits))}%` : MISSING;
}

/** A budget as users wrote it: "+5%", "+0.5%", "+2.25%" (never rounded to a different budget). */
export function fmtBudget(pct: number): string {
  return `${signed(pct, String(Number(pct.toFixed(2))))}%`;
}

/** "[low, high]" with each end in `format` (percent changes by default), or n/a. */
export function fmtInterval(low: Maybe, high: Maybe, format: (x: number) => string = fmtPct): string {
  return known(low) && known(high) ? `[${format(low)}, ${format(high)}]` : MISSING;
}

/** An estimated change with its interval: "+1.2% [-0.5%, +3.1%]". */
export function fmtChange(estimate: Maybe, low: Maybe, high: Maybe, digits = PCT_DIGITS): string {
  const pct = (x: Maybe) => fmtPct(x, digits);
  return known(estimate) ? `${pct(estimate)} ${fmtInterval(low, high, pct)}` : MISSING;
}

/** A time in microseconds with a readable unit: 850 us, 12.3 ms, 1.2 s. */
export function fmtUs(us: Maybe): string {
  if (!known(us)) return MISSING;
  if (Math.abs(us) < 1000) return `${fmtSig(us)} us`;
  if (Math.abs(us) < 1_000_000) return `${fmtSig(us / 1000)} ms`;
  return `${fmtSig(us / 1_000_000)} s`;
}

/** A time in nanoseconds, from ns up: "12.4 ns", "1.23 us". */
export function fmtNs(ns: Maybe): string {
  if (!known(ns)) return MISSING;
  return Math.abs(ns) < 1000 ? `${fmtSig(ns)} ns` : fmtUs(ns / 1000);
}

/** A time in seconds, in the unit that reads best: "35.4 s", "250 ms". */
export function fmtSeconds(sec: Maybe): string {
  return known(sec) ? fmtUs(sec * 1_000_000) : MISSING;
}

/** m:ss, for elapsed and remaining time on a progress line (negative counts as 0:00). */
export function fmtClock(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A large rate or count in k and M: "16.9 M", "500 k", "123". */
export function fmtScaled(x: Maybe): string {
  if (!known(x)) return MISSING;
  if (Math.abs(x) >= 1e6) return `${fmtSig(x / 1e6)} M`;
  if (Math.abs(x) >= 1e3) return `${fmtSig(x / 1e3)} k`;
  return fmtSig(x);
}

/** Operations per second from ns/op, in the seed's vocabulary: "16.9 M ops/s". */
export function fmtOpsPerSec(nsPerOp: Maybe): string {
  return known(nsPerOp) && nsPerOp > 0 ? `${fmtScaled(1e9 / nsPerOp)} ops/s` : MISSING;
}

/** Bytes in binary units: "512 B", "1.5 KiB", "48.2 MiB". */
export function fmtBytes(b: Maybe): string {
  if (!known(b)) return MISSING;
  if (b < 1024) return `${fmtSig(b)} B`;
  if (b < 1024 ** 2) return `${fmtSig(b / 1024)} KiB`;
  if (b < 1024 ** 3) return `${fmtSig(b / 1024 ** 2)} MiB`;
  return `${fmtSig(b / 1024 ** 3)} GiB`;
}
