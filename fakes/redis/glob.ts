/**
 * Redis's glob matcher (util.c stringmatchlen, 7.0), ported byte for byte so KEYS (and anything
 * else taking a pattern) matches exactly what Redis matches: `*`, `?`, `[...]` with ranges
 * (reversed ranges allowed), `[^...]`, and `\` escapes, including its edge cases (an unclosed
 * `[` matches as if closed; `\` as the last pattern char is literal). Strings are latin1, one char
 * per byte.
 */

function impl(p: string, pi: number, s: string, si: number, nocase: boolean, skip: { longer: boolean }): boolean {
  const pEnd = p.length;
  const sEnd = s.length;
  const lower = (c: number) => (nocase && c >= 65 && c <= 90 ? c + 32 : c);
  while (pi < pEnd && si < sEnd) {
    const c = p.charCodeAt(pi);
    if (c === 42 /* * */) {
      while (pi + 1 < pEnd && p.charCodeAt(pi + 1) === 42) pi++;
      if (pi + 1 === pEnd) return true;
      while (si < sEnd) {
        if (impl(p, pi + 1, s, si, nocase, skip)) return true;
        if (skip.longer) return false;
        si++;
      }
      skip.longer = true;
      return false;
    } else if (c === 63 /* ? */) {
      si++;
    } else if (c === 91 /* [ */) {
      pi++;
      const not = pi < pEnd && p.charCodeAt(pi) === 94; /* ^ */
      if (not) pi++;
      let match = false;
      const sc = s.charCodeAt(si);
      for (;;) {
        const left = pEnd - pi;
        const pc = left > 0 ? p.charCodeAt(pi) : 0;
        if (pc === 92 /* \ */ && left >= 2) {
          pi++;
          if (p.charCodeAt(pi) === sc) match = true;
        } else if (pc === 93 /* ] */ && left > 0) {
          break;
        } else if (left === 0) {
          pi--;
          break;
        } else if (left >= 3 && p.charCodeAt(pi + 1) === 45 /* - */) {
          let start = p.charCodeAt(pi);
          let end = p.charCodeAt(pi + 2);
          if (start > end) [start, end] = [end, start];
          const x = lower(sc);
          start = lower(start);
          end = lower(end);
          pi += 2;
          if (x >= start && x <= end) match = true;
        } else if (lower(pc) === lower(sc)) {
          match = true;
        }
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
    } else {
      if (c === 92 /* \ */ && pEnd - pi >= 2) pi++;
      if (lower(p.charCodeAt(pi)) !== lower(s.charCodeAt(si))) return false;
      si++;
    }
    pi++;
    if (si === sEnd) {
      while (pi < pEnd && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi === pEnd && si === sEnd;
}

export function globMatch(pattern: string, s: string, nocase = false): boolean {
  return impl(pattern, 0, s, 0, nocase, { longer: false });
}
