/**
 * C's printf `%.<p>g` for doubles, as glibc prints it: Lua 5.1's tostring is `%.14g` and
 * Redis 7.0 turns a Lua number argument of redis.call into a string with `%.17g`. JS's
 * toExponential/toFixed round ties away from zero where glibc rounds the exact binary value
 * half to even, so exact ties are detected and rounded to even.
 */

function stripZeros(digits: string): string {
  if (!digits.includes('.')) return digits;
  return digits.replace(/\.?0+$/, '');
}

/** Decimal digits of |n| to `precision` significant digits, glibc rounding; [digits, exponent]. */
function roundedDigits(abs: number, precision: number): [string, number] {
  let s = abs.toExponential(precision - 1);
  // A tie at the last kept digit: the exact value continues with 5 and then only zeros. Only
  // when the next digit is a 5 is the (costlier) wide expansion worth looking at.
  const next = abs.toExponential(precision);
  if (next.charCodeAt(next.indexOf('e') - 1) !== 0x35 /* 5 */) {
    const [mant, e] = s.split('e');
    return [mant.replace('.', ''), Number(e)];
  }
  const wide = abs.toExponential(Math.min(100, precision + 24));
  const [wideMant, wideExp] = wide.split('e');
  const wideDigits = wideMant.replace('.', '');
  const rest = wideDigits.slice(precision);
  if (rest[0] === '5' && /^0*$/.test(rest.slice(1))) {
    // Round half to even from the truncated digits.
    const kept = wideDigits.slice(0, precision);
    const last = Number(kept[kept.length - 1]);
    let exp = Number(wideExp);
    let digits = kept;
    if (last % 2 === 1) {
      // round up: increment the digit string
      const up = (BigInt(kept) + 1n).toString();
      if (up.length > kept.length) {
        exp += 1;
        digits = up.slice(0, precision);
      } else digits = up;
    }
    s = `${digits[0]}${precision > 1 ? '.' + digits.slice(1) : ''}e${exp >= 0 ? '+' : ''}${exp}`;
  }
  const [mant, e] = s.split('e');
  return [mant.replace('.', ''), Number(e)];
}

export function formatG(n: number, precision: number): string {
  if (Number.isNaN(n)) return '-nan'; // x86's default NaN has the sign bit set, as 0/0 gives in Redis
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  // Integers with at most `precision` digits print as themselves (the common case: counters, ms).
  if (Number.isSafeInteger(n) && Math.abs(n) < 10 ** Math.min(precision, 15)) return String(n);
  const sign = n < 0 ? '-' : '';
  const [digits, exp] = roundedDigits(Math.abs(n), precision);
  if (exp < -4 || exp >= precision) {
    const mant = stripZeros(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits);
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  let fixed: string;
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    fixed = frac ? `${intPart}.${frac}` : intPart;
  } else {
    fixed = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return sign + stripZeros(fixed);
}
