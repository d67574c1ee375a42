/**
 * /rest/v1/rpc/<fn>: a few SQL-function stand-ins a chat daemon uses, written against the Store
 * interface so they behave the same on both stores. Unknown functions, or arguments that match
 * no signature, are 404 PGRST202 as in PostgREST.
 */
import { PgrstError, notSingle } from './errors.ts';
import { JSON_TYPE, contentRange, json, type FakeResponse } from './http-io.ts';
import { parseJsonBody } from './payload.ts';
import type { Preferences } from './prefer.ts';
import type { Logic } from './query.ts';
import type { Row, Store } from './store.ts';
import { findColumn, findTable, type ColumnType } from './tables.ts';
import { coerceFilterText, coerceValue } from './values.ts';

interface Param {
  readonly name: string;
  readonly type: ColumnType;
  /** Used when the call leaves the argument out; undefined = required. */
  readonly default?: unknown;
}
interface RpcFunction {
  readonly params: readonly Param[];
  run(store: Store, args: Record<string, unknown>): Promise<Row[] | number | string | boolean | null>;
}

const messages = findTable('messages')!;
const byConversation = (id: unknown): Logic => ({
  kind: 'and',
  negate: false,
  children: [{ kind: 'cond', column: findColumn(messages, 'conversation_id')!, op: 'eq', value: id, negate: false }],
});

export const FUNCTIONS: ReadonlyMap<string, RpcFunction> = new Map<string, RpcFunction>([
  [
    // setof messages: the last p_limit messages of a conversation, oldest first (prompt order).
    'get_recent_messages',
    {
      params: [{ name: 'p_conversation_id', type: 'text' }, { name: 'p_limit', type: 'integer', default: 50 }],
      async run(store, args) {
        const { rows } = await store.select({
          table: messages,
          projection: null,
          filter: byConversation(args.p_conversation_id),
          order: [
            { column: findColumn(messages, 'created_at')!, desc: true, nullsFirst: true },
            { column: findColumn(messages, 'id')!, desc: true, nullsFirst: true },
          ],
          limit: Math.max(0, Number(args.p_limit)),
          offset: 0,
          count: false,
        });
        return rows.reverse();
      },
    },
  ],
  [
    // integer: number of messages in a conversation.
    'count_messages',
    {
      params: [{ name: 'p_conversation_id', type: 'text' }],
      async run(store, args) {
        const { total } = await store.select({
          table: messages, projection: null, filter: byConversation(args.p_conversation_id), order: [], limit: 0, offset: 0, count: true,
        });
        return total ?? 0;
      },
    },
  ],
]);

export interface RpcCall {
  readonly name: string;
  readonly method: string;
  readonly params: URLSearchParams;
  readonly body: Buffer;
  readonly prefer: Preferences;
  readonly single: boolean;
}

function notFound(name: string, argNames: string[]): PgrstError {
  const sorted = [...argNames].sort();
  const searched = sorted.length === 0 ? 'without parameters' : `with parameters ${sorted.join(', ')}`;
  return new PgrstError(404, 'PGRST202', `Could not find the function public.${name}(${sorted.join(', ')}) in the schema cache`,
    `Searched for the function public.${name} ${searched} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`);
}

export async function handleRpc(store: Store, call: RpcCall): Promise<FakeResponse> {
  const viaUrl = call.method === 'GET' || call.method === 'HEAD';
  if (!viaUrl && call.method !== 'POST') throw new PgrstError(405, 'PGRST101', 'Only GET, HEAD and POST are allowed for calling functions');
  let raw: Record<string, unknown>;
  if (viaUrl) raw = Object.fromEntries(call.params);
  else {
    const body = call.body.length === 0 ? {} : parseJsonBody(call.body);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new PgrstError(400, 'PGRST102', 'Empty or invalid json', 'expected a JSON object of arguments');
    raw = body as Record<string, unknown>;
  }
  const fn = FUNCTIONS.get(call.name);
  const names = Object.keys(raw);
  if (!fn || names.some((n) => !fn.params.some((p) => p.name === n)) || fn.params.some((p) => p.default === undefined && !(p.name in raw))) {
    throw notFound(call.name, names);
  }
  const args: Record<string, unknown> = {};
  for (const p of fn.params) {
    if (!(p.name in raw)) args[p.name] = p.default;
    else args[p.name] = viaUrl ? coerceFilterText(p.type, String(raw[p.name])) : coerceValue(p.type, raw[p.name]);
  }
  const result = await fn.run(store, args);
  if (!Array.isArray(result)) return json(200, result);
  if (call.single && result.length !== 1) throw notSingle(result.length);
  return {
    status: 200,
    headers: { 'content-type': JSON_TYPE, 'content-range': contentRange(0, result.length, call.prefer.count ? result.length : null) },
    body: JSON.stringify(call.single ? result[0] : result),
  };
}
