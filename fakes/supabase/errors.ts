/**
 * Errors shaped as PostgREST's: an HTTP status plus the JSON body {code, details, hint, message}
 * that supabase-js hands to the caller as `error`. Codes and messages follow PostgREST 12 and
 * PostgreSQL so code written against the fake behaves the same against the real thing.
 */
import type { TableDef } from './tables.ts';

export class PgrstError extends Error {
  override name = 'PgrstError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    readonly hint: string | null = null,
  ) {
    super(message);
  }

  /** Key order as PostgREST writes it. */
  body(): { code: string; details: string | null; hint: string | null; message: string } {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

export const unknownTable = (name: string, suggestion?: string): PgrstError =>
  new PgrstError(
    404,
    'PGRST205',
    `Could not find the table 'public.${name}' in the schema cache`,
    null,
    suggestion ? `Perhaps you meant the table 'public.${suggestion}'` : null,
  );

export const unknownColumn = (table: TableDef, column: string): PgrstError =>
  new PgrstError(400, '42703', `column ${table.name}.${column} does not exist`);

/** A payload key that is not a column (PostgREST checks the body against its schema cache). */
export const unknownPayloadColumn = (table: TableDef, column: string): PgrstError =>
  new PgrstError(400, 'PGRST204', `Could not find the '${column}' column of '${table.name}' in the schema cache`);

export const parseError = (what: string, details: string): PgrstError =>
  new PgrstError(400, 'PGRST100', `"failed to parse ${what}"`, details);

export const invalidBody = (details: string): PgrstError =>
  new PgrstError(400, 'PGRST102', 'Empty or invalid json', details);

export const notSingle = (rows: number): PgrstError =>
  new PgrstError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${rows} rows`);

export const invalidInput = (type: string, value: string): PgrstError =>
  new PgrstError(400, type === 'timestamp with time zone' ? '22007' : '22P02', `invalid input syntax for type ${type}: "${value}"`);

export const notNullViolation = (table: TableDef, column: string): PgrstError =>
  new PgrstError(400, '23502', `null value in column "${column}" of relation "${table.name}" violates not-null constraint`);

export const uniqueViolation = (constraint: string, columns: readonly string[], values: readonly string[]): PgrstError =>
  new PgrstError(
    409,
    '23505',
    `duplicate key value violates unique constraint "${constraint}"`,
    `Key (${columns.join(', ')})=(${values.join(', ')}) already exists.`,
  );

export const noConflictTarget = (): PgrstError =>
  new PgrstError(400, '42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');

/** What PostgREST answers while its database is unreachable; used for injected faults. */
export const injectedUnavailable = (): PgrstError =>
  new PgrstError(503, 'PGRST001', 'Database client error. Retrying the connection.', 'fault injected by the overbench Supabase fake');

/**
 * HTTP status PostgREST picks for a PostgreSQL SQLSTATE (subset of its table). Used to answer
 * errors raised by a real database with the status the real PostgREST would use.
 */
export function statusForSqlState(code: string): number {
  if (code === '23505' || code === '23503') return 409;
  if (code === '42P01' || code === '42883') return 404;
  if (code === '25006') return 405;
  if (code === '42501') return 403;
  const cls = code.slice(0, 2);
  if (cls === '08' || cls === '53') return 503;
  if (cls === '25' || cls === '40' || cls === '57' || cls === '58' || cls === 'XX' || cls === 'P0') return 500;
  return 400;
}
