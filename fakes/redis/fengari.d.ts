/**
 * Types for the part of fengari (a Lua 5.3 VM in JS, https://github.com/fengari-lua/fengari)
 * that the RESP fake's scripting uses. fengari ships no types. Lua strings are Uint8Array
 * ("luastrings"); JS strings are accepted where fengari converts them (to UTF-8).
 */
declare module 'fengari' {
  export type LuaString = Uint8Array;
  /** A Lua thread/state: opaque. */
  export interface lua_State {
    readonly __brand: 'lua_State';
  }
  /** A C (here: JS) function callable from Lua: reads its args off the stack, returns how many results it pushed. */
  export type lua_CFunction = (L: lua_State) => number;
  export type lua_Hook = (L: lua_State, ar: lua_Debug) => void;

  export class lua_Debug {
    event: number;
    name: LuaString | null;
    namewhat: LuaString | null;
    what: LuaString | null;
    source: LuaString | null;
    currentline: number;
    short_src: LuaString | null;
  }

  export const lua: {
    readonly LUA_OK: 0;
    readonly LUA_ERRRUN: 2;
    readonly LUA_ERRSYNTAX: 3;
    readonly LUA_ERRMEM: 4;
    readonly LUA_ERRERR: 6;
    readonly LUA_MULTRET: -1;
    readonly LUA_REGISTRYINDEX: number;
    readonly LUA_RIDX_GLOBALS: number;
    readonly LUA_TNONE: -1;
    readonly LUA_TNIL: 0;
    readonly LUA_TBOOLEAN: 1;
    readonly LUA_TLIGHTUSERDATA: 2;
    readonly LUA_TNUMBER: 3;
    readonly LUA_TSTRING: 4;
    readonly LUA_TTABLE: 5;
    readonly LUA_TFUNCTION: 6;
    readonly LUA_MASKCOUNT: number;
    readonly lua_Debug: typeof lua_Debug;

    lua_absindex(L: lua_State, idx: number): number;
    lua_atnativeerror(L: lua_State, f: lua_CFunction): lua_CFunction | null;
    lua_call(L: lua_State, nargs: number, nresults: number): void;
    lua_checkstack(L: lua_State, n: number): boolean;
    lua_concat(L: lua_State, n: number): void;
    lua_createtable(L: lua_State, narr: number, nrec: number): void;
    lua_error(L: lua_State): never;
    lua_getfield(L: lua_State, idx: number, k: LuaString | string): number;
    lua_getmetatable(L: lua_State, idx: number): boolean;
    lua_getglobal(L: lua_State, name: LuaString | string): number;
    lua_getinfo(L: lua_State, what: LuaString | string, ar: lua_Debug): boolean;
    lua_getstack(L: lua_State, level: number, ar: lua_Debug): boolean;
    lua_gettop(L: lua_State): number;
    lua_insert(L: lua_State, idx: number): void;
    lua_isnumber(L: lua_State, idx: number): boolean;
    lua_isstring(L: lua_State, idx: number): boolean;
    lua_newtable(L: lua_State): void;
    lua_next(L: lua_State, idx: number): boolean;
    lua_pcall(L: lua_State, nargs: number, nresults: number, msgh: number): number;
    lua_pop(L: lua_State, n: number): void;
    lua_pushboolean(L: lua_State, b: boolean): void;
    lua_pushcfunction(L: lua_State, f: lua_CFunction): void;
    lua_pushcclosure(L: lua_State, f: lua_CFunction, n: number): void;
    lua_pushliteral(L: lua_State, s: string): LuaString;
    lua_pushnil(L: lua_State): void;
    lua_pushnumber(L: lua_State, n: number): void;
    lua_pushstring(L: lua_State, s: LuaString | string): LuaString;
    lua_pushvalue(L: lua_State, idx: number): void;
    lua_rawequal(L: lua_State, a: number, b: number): boolean;
    lua_rawget(L: lua_State, idx: number): number;
    lua_rawlen(L: lua_State, idx: number): number;
    lua_rawgeti(L: lua_State, idx: number, n: number): number;
    lua_rawset(L: lua_State, idx: number): void;
    lua_rawseti(L: lua_State, idx: number, n: number): void;
    lua_remove(L: lua_State, idx: number): void;
    lua_replace(L: lua_State, idx: number): void;
    lua_setfield(L: lua_State, idx: number, k: LuaString | string): void;
    lua_setglobal(L: lua_State, name: LuaString | string): void;
    lua_sethook(L: lua_State, f: lua_Hook | null, mask: number, count: number): void;
    lua_setmetatable(L: lua_State, idx: number): void;
    lua_settable(L: lua_State, idx: number): void;
    lua_settop(L: lua_State, idx: number): void;
    lua_setupvalue(L: lua_State, funcindex: number, n: number): LuaString | null;
    lua_toboolean(L: lua_State, idx: number): boolean;
    lua_tojsstring(L: lua_State, idx: number): string | null;
    lua_tonumber(L: lua_State, idx: number): number;
    lua_touserdata(L: lua_State, idx: number): unknown;
    lua_tostring(L: lua_State, idx: number): LuaString | null;
    lua_type(L: lua_State, idx: number): number;
    lua_typename(L: lua_State, t: number): LuaString;
    lua_upvalueindex(i: number): number;
  };

  export const lauxlib: {
    luaL_newstate(): lua_State;
    luaL_loadbuffer(L: lua_State, buff: LuaString, sz: number, name: LuaString | string): number;
    luaL_error(L: lua_State, fmt: LuaString | string, ...args: unknown[]): never;
    luaL_where(L: lua_State, level: number): void;
    luaL_ref(L: lua_State, t: number): number;
    luaL_unref(L: lua_State, t: number, ref: number): void;
    luaL_requiref(L: lua_State, modname: LuaString | string, openf: lua_CFunction, glb: number): void;
    luaL_checknumber(L: lua_State, arg: number): number;
    luaL_checkinteger(L: lua_State, arg: number): number;
    luaL_argerror(L: lua_State, arg: number, extramsg: LuaString | string): never;
    luaL_tolstring(L: lua_State, idx: number): LuaString;
  };

  export const lualib: {
    luaopen_base: lua_CFunction;
    luaopen_coroutine: lua_CFunction;
    luaopen_table: lua_CFunction;
    luaopen_string: lua_CFunction;
    luaopen_math: lua_CFunction;
    luaopen_debug: lua_CFunction;
  };

  export function to_luastring(s: string, cache?: boolean): LuaString;
  export function to_jsstring(s: LuaString, from?: number, to?: number, replacement_char?: boolean): string;
}

/** fengari's number formatting and float-string switch, patched before the VM loads (see lua/fengari-vm.ts). */
declare module 'fengari/src/luaconf.js' {
  export let LUA_COMPAT_FLOATSTRING: boolean;
  export let lua_number2str: (n: number) => string;
}

/** Numeral parsing, patched so numerals are floats as in Lua 5.1 (see lua/fengari-vm.ts). */
declare module 'fengari/src/lobject.js' {
  export interface TValue {
    ttisinteger(): boolean;
    setfltvalue(x: number): void;
    readonly value: number;
  }
  export let luaO_str2num: (s: Uint8Array, o: TValue) => number;
}
