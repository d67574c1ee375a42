/**
 * Latency models shared by every fake (and later the harness): parse a spec string such as
 * `lognormal:median=120ms,p99=900ms` into a model that draws delays, in microseconds, from a seeded
 * generator so a run can be reproduced exactly.
 *
 * Grammar: `dist:key=value,key=value`. Durations carry a unit (`us`, `ms`, `s`); a bare number is
 * an error, except `0` (zero in any unit) and the values inside an empirical file, where a bare
 * number means milliseconds (the unit most latency exports use).
 * `constant:5ms` is accepted as shorthand for `constant:v=5ms` (the scenario format's own examples write it so).
 * `normal` is truncated at 0 by resampling (clamping only after 16 misses in a row);
 * `lognormal` takes median and p99: mu = ln(median), sigma = (ln(p99) - ln(median)) / 2.3263.
 * `empirical:file=` draws one of the file's values uniformly (no interpolation).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Uniform in [0, 1). */
export type Rng = () => number;

export interface LatencyModel {
  /** The spec this model was parsed from, for reports and error messages. */
  readonly spec: string;
  /** One delay in microseconds, >= 0 (may be fractional). */
  sampleUs(rng: Rng): number;
}

/** A latency spec (or duration) that cannot be parsed; the message quotes it and says why. */
export class LatencySpecError extends Error {
  override name = 'LatencySpecError';
}

/**
 * sfc32 seeded through splitmix32: fast, 128-bit state, passes PractRand far beyond what a
 * benchmark draws. Same seed -> same sequence on every platform.
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next: Rng = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Discard the first outputs: sfc32 mixes its state over the first few rounds.
  for (let i = 0; i < 12; i++) next();
  return next;
}

const UNIT_US: Record<string, number> = { us: 1, 'µs': 1, ms: 1_000, s: 1_000_000 };
const DURATION_RE = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([a-zµ]*)$/i;

/** Parse one duration with its unit; `context` is prepended to errors (the whole spec). */
function durationUs(text: string, context: string, bareUnitUs?: number): number {
  const t = text.trim();
  const m = DURATION_RE.exec(t);
  if (!m) throw new LatencySpecError(`${context}"${text}" is not a duration (expected e.g. 5ms, 200us, 1.5s)`);
  const value = Number(m[1]);
  const unit = m[2].toLowerCase();
  if (!Number.isFinite(value)) throw new LatencySpecError(`${context}"${text}" is not a finite number`);
  if (value < 0) throw new LatencySpecError(`${context}"${text}" is negative; durations must be >= 0`);
  if (unit === '') {
    if (bareUnitUs !== undefined) return value * bareUnitUs;
    if (value === 0) return 0;
    throw new LatencySpecError(`${context}"${text}" has no unit (write ${m[1]}ms, ${m[1]}us or ${m[1]}s)`);
  }
  const factor = UNIT_US[unit];
  if (factor === undefined) throw new LatencySpecError(`${context}"${text}" has unknown unit "${m[2]}" (use us, ms or s)`);
  return value * factor;
}

/** '5ms' -> 5000, '200us' -> 200, '1.5s' -> 1500000. Throws LatencySpecError. */
export function parseDurationUs(text: string): number {
  return durationUs(text, 'duration ');
}

/** The inverse standard normal at 0.99: the p99 of a lognormal is exp(mu + Z99 * sigma). */
const Z99 = 2.3263478740408408;

/** Standard normal by Box-Muller; 1 - u keeps the log argument in (0, 1]. */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng();
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

type Params = Record<string, number>;
interface Distribution {
  keys: readonly string[];
  build(p: Params, fail: (why: string) => never): (rng: Rng) => number;
}

const DISTRIBUTIONS: Record<string, Distribution> = {
  constant: {
    keys: ['v'],
    build: ({ v }) => () => v,
  },
  uniform: {
    keys: ['min', 'max'],
    build: ({ min, max }, fail) => {
      if (max < min) fail(`max (${max}us) is below min (${min}us)`);
      const span = max - min;
      return (rng) => min + rng() * span;
    },
  },
  normal: {
    keys: ['mean', 'sd'],
    // Truncated at 0 by resampling (a true truncated normal, so the mean shifts up when the
    // mass below 0 is large); after 16 misses (mean far below 0) fall back to clamping at 0
    // so a draw is always bounded in time.
    build: ({ mean, sd }) => (rng) => {
      for (let i = 0; i < 16; i++) {
        const x = mean + sd * standardNormal(rng);
        if (x >= 0) return x;
      }
      return 0;
    },
  },
  lognormal: {
    keys: ['median', 'p99'],
    build: ({ median, p99 }, fail) => {
      if (median <= 0) fail('median must be > 0 for a lognormal');
      if (p99 < median) fail(`p99 (${p99}us) is below median (${median}us)`);
      const mu = Math.log(median);
      const sigma = (Math.log(p99) - mu) / Z99;
      return (rng) => Math.exp(mu + sigma * standardNormal(rng));
    },
  },
  exponential: {
    keys: ['mean'],
    build: ({ mean }) => (rng) => -mean * Math.log(1 - rng()),
  },
};

const NAMES = [...Object.keys(DISTRIBUTIONS), 'empirical'].join(', ');

/** Values of an empirical file: one per line, unit optional (bare = ms), `#` comments, blanks skipped. */
function loadEmpirical(path: string, fail: (why: string) => never): Float64Array {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail(`cannot read empirical file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const values: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    try {
      values.push(durationUs(line, '', 1_000));
    } catch (e) {
      fail(`${path}:${i + 1}: ${(e as Error).message}`);
    }
  });
  if (values.length === 0) fail(`empirical file ${path} has no values`);
  return Float64Array.from(values);
}

/**
 * Parse a latency spec. `opts.baseDir` resolves `empirical:file=` paths (default: cwd).
 * Throws LatencySpecError quoting the spec.
 */
export function parseLatency(spec: string, opts: { baseDir?: string } = {}): LatencyModel {
  const prefix = `latency spec "${spec}": `;
  // Annotated so TypeScript narrows after a call (assertion-style control flow).
  const fail: (why: string) => never = (why) => {
    throw new LatencySpecError(prefix + why);
  };
  if (typeof spec !== 'string' || spec.trim() === '') fail('empty (expected e.g. lognormal:median=120ms,p99=900ms)');
  const colon = spec.indexOf(':');
  if (colon < 0) fail(`missing "dist:" prefix (one of ${NAMES}), e.g. constant:v=5ms`);
  const name = spec.slice(0, colon).trim().toLowerCase();
  const body = spec.slice(colon + 1).trim();

  const raw = new Map<string, string>();
  if (body !== '') {
    for (const part of body.split(',')) {
      const eq = part.indexOf('=');
      if (eq < 0) {
        // Only `constant:5ms` may omit the key.
        if (name === 'constant' && raw.size === 0 && !body.includes(',')) {
          raw.set('v', part.trim());
          continue;
        }
        fail(`"${part.trim()}" is not key=value`);
      }
      const key = part.slice(0, eq).trim();
      if (raw.has(key)) fail(`key "${key}" given twice`);
      raw.set(key, part.slice(eq + 1).trim());
    }
  }

  if (name === 'empirical') {
    for (const key of raw.keys()) if (key !== 'file') fail(`unknown key "${key}" for empirical (expected file)`);
    const file = raw.get('file');
    if (!file) fail('missing key "file" (empirical:file=path)');
    const values = loadEmpirical(resolve(opts.baseDir ?? process.cwd(), file), fail);
    const n = values.length;
    // Draw a recorded value uniformly: the empirical distribution itself, no smoothing.
    return { spec, sampleUs: (rng) => values[Math.min(n - 1, Math.floor(rng() * n))] };
  }

  const dist = DISTRIBUTIONS[name];
  if (!dist) fail(`unknown distribution "${name}" (expected one of ${NAMES})`);
  for (const key of raw.keys()) {
    if (!dist.keys.includes(key)) fail(`unknown key "${key}" for ${name} (expected ${dist.keys.join(', ')})`);
  }
  const params: Params = {};
  for (const key of dist.keys) {
    const value = raw.get(key);
    if (value === undefined || value === '') fail(`missing key "${key}" (${name}:${dist.keys.map((k) => `${k}=...`).join(',')})`);
    params[key] = durationUs(value, `${prefix}${key} `);
  }
  const draw = dist.build(params, fail);
  return { spec, sampleUs: draw };
}

/**
 * Wait `us` microseconds. 0 (or less) resolves on the next turn of the event loop (setImmediate),
 * so a zero-latency fake still yields. Timers have millisecond resolution: sub-millisecond delays
 * round up to about 1 ms, which is why fakes at "0" latency should pass 0, not 1us.
 */
export function sleepUs(us: number): Promise<void> {
  if (!(us > 0)) return new Promise((r) => setImmediate(r));
  return new Promise((r) => setTimeout(r, us / 1000));
}
