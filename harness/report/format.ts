/** Number formatting shared by every reporter, so HTML, Markdown, JUnit and the console agree. */

/** Signed percent, 2 significant decimals: "+1.23%", "-0.40%", "n/a". */
export function fmtPct(x: number | null | undefined, digits = 2): string {
  if (x == null || !Number.isFinite(x)) return 'n/a';
  const s = x.toFixed(digits);
  return `${x > 0 ? '+' : ''}${s === '-0.00' ? '0.00' : s}%`;
}

/** "[-0.40%, +2.10%]" or "n/a". */
export function fmtInterval(low: number | null | undefined, high: number | null | undefined, digits = 2): string {
  if (low == null || high == null) return 'n/a';
  return `[${fmtPct(low, digits)}, ${fmtPct(high, digits)}]`;
}

/** A latency in microseconds with a readable unit: 850 us, 12.3 ms, 1.20 s. */
export function fmtUs(us: number | null | undefined): string {
  if (us == null || !Number.isFinite(us)) return 'n/a';
  if (us < 1000) return `${round3(us)} us`;
  if (us < 1_000_000) return `${round3(us / 1000)} ms`;
  return `${round3(us / 1_000_000)} s`;
}

/** Nanoseconds per operation: "12.4 ns", "1.23 us". */
export function fmtNs(ns: number | null | undefined): string {
  if (ns == null || !Number.isFinite(ns)) return 'n/a';
  if (ns < 1000) return `${round3(ns)} ns`;
  return fmtUs(ns / 1000);
}

/** Operations per second from ns/op, in the seed's vocabulary: "16.9 M ops/s". */
export function fmtOpsPerSec(nsPerOp: number | null | undefined): string {
  if (nsPerOp == null || !(nsPerOp > 0)) return 'n/a';
  const ops = 1e9 / nsPerOp;
  if (ops >= 1e6) return `${round3(ops / 1e6)} M ops/s`;
  if (ops >= 1e3) return `${round3(ops / 1e3)} k ops/s`;
  return `${round3(ops)} ops/s`;
}

export function fmtNumber(x: number | null | undefined, digits = 1): string {
  if (x == null || !Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', { maximumFractionDigits: digits });
}

export function fmtBytes(b: number | null | undefined): string {
  if (b == null || !Number.isFinite(b)) return 'n/a';
  if (b < 1024) return `${b} B`;
  if (b < 1024 ** 2) return `${round3(b / 1024)} KiB`;
  if (b < 1024 ** 3) return `${round3(b / 1024 ** 2)} MiB`;
  return `${round3(b / 1024 ** 3)} GiB`;
}

/** Three significant digits without exponent notation (1234 stays 1234, 0.01234 -> 0.0123). */
function round3(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) >= 100) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}

/** A budget as users wrote it: "+5%", "+0.5%", "+2.25%" (never rounded to a different budget). */
export function fmtBudget(pct: number): string {
  return `${pct > 0 ? '+' : ''}${Number(pct.toFixed(2))}%`;
}
