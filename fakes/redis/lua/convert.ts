/**
 * Redis's conversions between RESP and Lua (script_lua.c, 7.0), both ways.
 *
 * RESP -> Lua (what redis.call returns), reading the fake's own encoded reply:
 *   integer -> number; bulk -> string; nil bulk / nil array -> false; array -> table;
 *   status -> {ok=...}; error -> {err=...} (with ignore_error_stats_update = true);
 *   RESP3 (after redis.setresp(3)): map -> {map={...}}, set -> {set={...}}, null -> nil,
 *   boolean -> boolean, double -> {double=n}, big number -> {big_number=s},
 *   verbatim -> {verbatim_string={format=..., string=...}}.
 * Lua -> RESP (what EVAL replies):
 *   string -> bulk; number -> integer (truncated, as C's (long long) cast); true -> 1 and
 *   false -> nil (script in RESP2) or booleans (RESP3); table with err -> error, ok ->
 *   status, double / big_number / verbatim_string / map / set -> those types (RESP2 callers
 *   get bulk strings and flat arrays); other tables -> array up to the first nil; nil -> nil.
 */
import type { Proto } from '../resp-reply.ts';
import { bulk, error, nil } from '../resp-reply.ts';
import { lua, type lua_State } from './fengari-vm.ts';
import { formatG } from './number-format.ts';
import { latin1, pushLatin1 } from './strings.ts';

const { LUA_TNIL, LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE } = lua;

/**
 * Redis's luaPushErrorBuff: "-CODE msg" keeps its code, a message without a leading '-' gets
 * "ERR "; trailing CR/LF are trimmed. Pushes the table {err = "CODE msg"}.
 */
export function pushErrorTable(L: lua_State, message: string): void {
  let code = 'ERR';
  let msg = message;
  if (message.startsWith('-')) {
    const space = message.indexOf(' ');
    if (space < 0) msg = message.slice(1);
    else {
      code = message.slice(1, space);
      msg = message.slice(space + 1);
    }
  }
  msg = msg.replace(/^[\r\n]+|[\r\n]+$/g, '');
  lua.lua_createtable(L, 0, 1);
  pushLatin1(L, `${code} ${msg}`);
  lua.lua_setfield(L, -2, 'err');
}

/** Push the Lua value of the reply starting at `pos`; returns where the reply ends. */
export function pushReply(L: lua_State, r: string, pos: number): number {
  const nl = r.indexOf('\r\n', pos);
  const type = r.charCodeAt(pos);
  const line = r.slice(pos + 1, nl);
  let at = nl + 2;
  switch (type) {
    case 0x3a: /* : */
      lua.lua_pushnumber(L, Number(line));
      return at;
    case 0x24: { /* $ */
      const n = Number(line);
      if (n < 0) {
        lua.lua_pushboolean(L, false);
        return at;
      }
      pushLatin1(L, r.slice(at, at + n));
      return at + n + 2;
    }
    case 0x2b: /* + */
      lua.lua_createtable(L, 0, 1);
      pushLatin1(L, line);
      lua.lua_setfield(L, -2, 'ok');
      return at;
    case 0x2d: /* - */
      pushErrorTable(L, `-${line}`);
      lua.lua_pushboolean(L, true);
      lua.lua_setfield(L, -2, 'ignore_error_stats_update');
      return at;
    case 0x2a: /* * */
    case 0x7e: { /* ~ */
      const n = Number(line);
      if (n < 0) {
        lua.lua_pushboolean(L, false);
        return at;
      }
      lua.lua_checkstack(L, 3);
      if (type === 0x7e) lua.lua_createtable(L, 0, 1);
      lua.lua_createtable(L, type === 0x7e ? 0 : n, type === 0x7e ? n : 0);
      for (let i = 1; i <= n; i++) {
        at = pushReply(L, r, at);
        if (type === 0x7e) {
          lua.lua_pushboolean(L, true);
          lua.lua_settable(L, -3);
        } else lua.lua_rawseti(L, -2, i);
      }
      if (type === 0x7e) lua.lua_setfield(L, -2, 'set');
      return at;
    }
    case 0x25: { /* % */
      const n = Number(line);
      lua.lua_checkstack(L, 4);
      lua.lua_createtable(L, 0, 1);
      lua.lua_createtable(L, 0, n);
      for (let i = 0; i < n; i++) {
        at = pushReply(L, r, at);
        at = pushReply(L, r, at);
        lua.lua_settable(L, -3);
      }
      lua.lua_setfield(L, -2, 'map');
      return at;
    }
    case 0x5f: /* _ */
      lua.lua_pushnil(L);
      return at;
    case 0x23: /* # */
      lua.lua_pushboolean(L, line === 't');
      return at;
    case 0x2c: /* , */
      lua.lua_createtable(L, 0, 1);
      lua.lua_pushnumber(L, line === 'inf' ? Infinity : line === '-inf' ? -Infinity : Number(line));
      lua.lua_setfield(L, -2, 'double');
      return at;
    case 0x28: /* ( */
      lua.lua_createtable(L, 0, 1);
      pushLatin1(L, line);
      lua.lua_setfield(L, -2, 'big_number');
      return at;
    default:
      throw new Error(`RESP fake: cannot convert reply type ${JSON.stringify(r[pos])} for Lua`);
  }
}

/** C's (long long) of a double, as x86 does it: out of range and NaN give LLONG_MIN. */
export function luaNumberToInteger(n: number): string {
  const t = Math.trunc(n);
  if (Number.isSafeInteger(t)) return String(t === 0 ? 0 : t);
  if (!(t >= -9223372036854775808 && t < 9223372036854775808)) return '-9223372036854775808';
  return BigInt(t).toString();
}

/** Status and error texts are one line in RESP: CR and LF become spaces, as Redis maps them. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

function double(n: number, proto: Proto): string {
  if (n === Infinity || n === -Infinity) return proto === 3 ? `,${n > 0 ? '' : '-'}inf\r\n` : bulk(n > 0 ? 'inf' : '-inf');
  const s = formatG(n, 17);
  return proto === 3 ? `,${s}\r\n` : bulk(s);
}

/** Table field `name` (raw get) if it has Lua type `type`; leaves it pushed and returns true, else pops. */
function field(L: lua_State, idx: number, name: string, type: number): boolean {
  lua.lua_pushliteral(L, name);
  lua.lua_rawget(L, idx < 0 ? idx - 1 : idx);
  if (lua.lua_type(L, -1) === type) return true;
  lua.lua_pop(L, 1);
  return false;
}

/**
 * The reply for the Lua value on the top of the stack (popped). `proto` is the caller's
 * protocol; `scriptResp` the script's (redis.setresp).
 */
export function replyFromLua(L: lua_State, proto: Proto, scriptResp: Proto): string {
  lua.lua_checkstack(L, 4);
  switch (lua.lua_type(L, -1)) {
    case LUA_TSTRING: {
      const s = latin1(lua.lua_tostring(L, -1)!);
      lua.lua_pop(L, 1);
      return bulk(s);
    }
    case LUA_TBOOLEAN: {
      const b = lua.lua_toboolean(L, -1);
      lua.lua_pop(L, 1);
      if (scriptResp === 2) return b ? ':1\r\n' : nil(proto);
      return proto === 3 ? (b ? '#t\r\n' : '#f\r\n') : b ? ':1\r\n' : ':0\r\n';
    }
    case LUA_TNUMBER: {
      const n = lua.lua_tonumber(L, -1);
      lua.lua_pop(L, 1);
      return `:${luaNumberToInteger(n)}\r\n`;
    }
    case LUA_TTABLE:
      return tableReply(L, proto, scriptResp);
    default:
      lua.lua_pop(L, 1);
      return nil(proto);
  }
}

function tableReply(L: lua_State, proto: Proto, scriptResp: Proto): string {
  if (field(L, -1, 'err', LUA_TSTRING)) {
    const s = latin1(lua.lua_tostring(L, -1)!);
    lua.lua_pop(L, 2);
    return error(oneLine(s));
  }
  if (field(L, -1, 'ok', LUA_TSTRING)) {
    const s = latin1(lua.lua_tostring(L, -1)!);
    lua.lua_pop(L, 2);
    return `+${oneLine(s)}\r\n`;
  }
  if (field(L, -1, 'double', LUA_TNUMBER)) {
    const n = lua.lua_tonumber(L, -1);
    lua.lua_pop(L, 2);
    return double(n, proto);
  }
  if (field(L, -1, 'big_number', LUA_TSTRING)) {
    const s = oneLine(latin1(lua.lua_tostring(L, -1)!));
    lua.lua_pop(L, 2);
    return proto === 3 ? `(${s}\r\n` : bulk(s);
  }
  if (field(L, -1, 'verbatim_string', LUA_TTABLE)) {
    const fmt = field(L, -1, 'format', LUA_TSTRING) ? latin1(lua.lua_tostring(L, -1)!) : undefined;
    if (fmt !== undefined) lua.lua_pop(L, 1);
    const str = field(L, -1, 'string', LUA_TSTRING) ? latin1(lua.lua_tostring(L, -1)!) : undefined;
    if (str !== undefined) lua.lua_pop(L, 1);
    if (fmt !== undefined && str !== undefined) {
      lua.lua_pop(L, 2);
      return proto === 3 ? `=${str.length + 4}\r\n${fmt.slice(0, 3).padEnd(3, '\0')}:${str}\r\n` : bulk(str);
    }
    lua.lua_pop(L, 1);
  }
  if (field(L, -1, 'map', LUA_TTABLE)) {
    const items: string[] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2)) {
      lua.lua_pushvalue(L, -2); // key copy on top
      items.push(replyFromLua(L, proto, scriptResp)); // pops the key copy
      items.push(replyFromLua(L, proto, scriptResp)); // pops the value
    }
    lua.lua_pop(L, 2);
    return proto === 3 ? `%${items.length / 2}\r\n${items.join('')}` : `*${items.length}\r\n${items.join('')}`;
  }
  if (field(L, -1, 'set', LUA_TTABLE)) {
    const items: string[] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2)) {
      lua.lua_pop(L, 1); // drop the value, keep the key for lua_next
      lua.lua_pushvalue(L, -1);
      items.push(replyFromLua(L, proto, scriptResp));
    }
    lua.lua_pop(L, 2);
    return `${proto === 3 ? '~' : '*'}${items.length}\r\n${items.join('')}`;
  }
  // An array: elements 1..n up to the first nil.
  let out = '';
  let n = 0;
  for (let j = 1; ; j++) {
    lua.lua_rawgeti(L, -1, j);
    if (lua.lua_type(L, -1) === LUA_TNIL) {
      lua.lua_pop(L, 1);
      break;
    }
    out += replyFromLua(L, proto, scriptResp);
    n++;
  }
  lua.lua_pop(L, 1);
  return `*${n}\r\n${out}`;
}

export { LUA_TNUMBER, LUA_TSTRING };
