/**
 * Column values: coercion of JSON body values and URL filter text to a column's type, with the
 * errors PostgreSQL raises, and timestamps in the exact text PostgREST returns
 * (`2026-01-02T03:04:05.123456+00:00`, trailing zeros trimmed, UTC). Canonical timestamps sort
 * correctly as strings, which lets the memory store index and compare them without parsing.
 */
import { SQL_TYPE } from './ddl.ts';
import { invalidInput } from './errors.ts';
import type { ColumnType } from './tables.ts';

// Error messages name the type as PostgreSQL prints it, which differs from the DDL spelling for two.
const SQL_TYPE_NAME: Record<ColumnType, string> = { ...SQL_TYPE, timestamptz: 'timestamp with time zone', jsonb: 'json' };

const INT_RE = /^\s*[+-]?\d+\s*$/;
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const BOOL_TEXT: Record<string, boolean> = { t: true, true: true, yes: true, on: true, '1': true, f: false, false: false, no: false, off: false, '0': false };
const TS_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const textOf = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** A JSON value (from a body) or filter text (from a URL) as the column's canonical value. */
export function coerceValue(type: ColumnType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'text':
      return typeof v === 'string' ? v : textOf(v);
    case 'jsonb':
      return v;
    case 'uuid':
      if (typeof v === 'string' && UUID_RE.test(v)) return canonicalUuid(v);
      break;
    case 'bigint':
    case 'integer':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string' && INT_RE.test(v)) return Number(v);
      break;
    case 'double':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && v.toLowerCase() in BOOL_TEXT) return BOOL_TEXT[v.toLowerCase()];
      break;
    case 'timestamptz':
      if (typeof v === 'string') {
        const us = parseTimestampUs(v);
        if (us !== null) return formatTimestampUs(us);
      }
      break;
  }
  throw invalidInput(SQL_TYPE_NAME[type], textOf(v));
}

/** Filter text for a jsonb column is JSON (PostgreSQL casts it to jsonb). */
export function coerceFilterText(type: ColumnType, text: string): unknown {
  if (type !== 'jsonb') return coerceValue(type, text);
  try {
    return JSON.parse(text);
  } catch {
    throw invalidInput('json', text);
  }
}

function canonicalUuid(v: string): string {
  const h = v.replace(/-/g, '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Microseconds since the epoch, or null when the text is not an ISO-like timestamp. */
export function parseTimestampUs(text: string): number | null {
  const m = TS_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', tz = ''] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  let offsetMin = 0;
  if (tz && tz !== 'Z' && tz !== 'z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s)) - offsetMin * 60_000;
  if (!Number.isFinite(ms)) return null;
  // PostgreSQL keeps microseconds and rounds anything finer.
  const micros = frac === '' ? 0 : Math.round(Number(`0.${frac}`) * 1e6);
  return ms * 1000 + micros;
}

export function formatTimestampUs(us: number): string {
  const secUs = Math.floor(us / 1_000_000) * 1_000_000;
  const iso = new Date(secUs / 1000).toISOString();
  const frac = us - secUs;
  const fracText = frac === 0 ? '' : '.' + String(frac).padStart(6, '0').replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fracText}+00:00`;
}

let lastNowUs = 0;
/** Current time in microseconds, strictly increasing within the process (no ties when sorting). */
export function nowUs(): number {
  const t = Math.round((performance.timeOrigin + performance.now()) * 1000);
  lastNowUs = t > lastNowUs ? t : lastNowUs + 1;
  return lastNowUs;
}

/** A value as PostgreSQL prints it in a constraint violation's details. */
export function keyText(type: ColumnType, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (type === 'timestamptz' && typeof v === 'string') return v.replace('T', ' ').replace(/\+00:00$/, '+00');
  return textOf(v);
}
