/**
 * The Lua environment of a Redis 7.0 script, on fengari (Lua 5.3):
 * - the libraries Redis loads: base, table, string, math, coroutine, and `bit` (LuaBitOp);
 *   not cjson, cmsgpack or struct (a script using them gets the nonexistent-global error);
 * - Lua 5.1 names scripts may use: unpack, loadstring, gcinfo, table.getn/maxn, math.mod/pow/
 *   log10/ldexp, string.gfind; `error` adds the position to numbers as 5.1 does; math.floor and
 *   math.ceil return floats (5.1 has no integers; fengari's wrap at 2^31);
 * - none of print, dofile, loadfile, require, os, io, debug (as in Redis 7.0);
 * - math.random / math.randomseed on Redis's own lrand48, so sequences match the server's;
 * - globals and library tables read-only: assigning a global or a library field raises
 *   "Attempt to modify a readonly table", reading a missing global raises "Script attempted
 *   to access nonexistent global variable 'x'". Scripts see a proxy of the globals (their
 *   _ENV), so the real table stays writable for the fake itself (KEYS, ARGV).
 */
import { lauxlib, lua, lualib, to_luastring, type lua_State } from './fengari-vm.ts';
import { luaErrorAs51 } from './messages.ts';
import { latin1, pushLatin1, toLatin1 } from './strings.ts';

const COMPAT = `
local table, math, string, collectgarbage, pairs, type, select = table, math, string, collectgarbage, pairs, type, select
local tunpack, format, rep, gsub = table.unpack, string.format, string.rep, string.gsub
unpack = tunpack
table.getn = function(t) return #t end
table.maxn = table.maxn or function(t)
  local n = 0
  for k in pairs(t) do if type(k) == 'number' and k > n then n = k end end
  return n
end
math.mod = math.fmod
math.pow = math.pow or function(x, y) return x ^ y end
math.log10 = math.log10 or function(x) return math.log(x, 10) end
math.ldexp = math.ldexp or function(m, e) return m * 2.0 ^ e end
string.gfind = string.gmatch
math.atan2 = math.atan
math.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math.tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end
-- 5.1's rep has no separator
string.rep = function(s, n) return rep(s, n) end
-- 5.1's format truncates a float for %d and friends, and takes any double: fengari's integers
-- are 32-bit, so a larger integer is formatted as a string of its digits.
local function trunc(v) if v >= 0 then return math.floor(v) end return math.ceil(v) end
string.format = function(fmt, ...)
  local args, n, i = {...}, select('#', ...), 0
  if type(fmt) ~= 'string' then return format(fmt, ...) end
  local spec = gsub(fmt, '%%([-+ #0]*)(%d*)(%.?%d*)([%a%%])', function(flags, width, prec, conv)
    if conv == '%' then return nil end
    i = i + 1
    local v = args[i]
    if type(v) == 'number' and (conv == 'd' or conv == 'i' or conv == 'x' or conv == 'X' or conv == 'o' or conv == 'c') then
      v = trunc(v)
      args[i] = v
      if (conv == 'd' or conv == 'i') and (v > 2147483647 or v < -2147483648) and v == v then
        args[i] = format('%.0f', v)
        return '%' .. flags:gsub('0', '') .. width .. 's'
      end
    end
    return nil
  end)
  return format(spec, tunpack(args, 1, n))
end
math.type, math.tointeger, math.ult, math.maxinteger, math.mininteger = nil, nil, nil, nil, nil
table.move, table.pack, table.unpack = nil, nil, nil
string.pack, string.unpack, string.packsize = nil, nil, nil
coroutine.isyieldable = nil
gcinfo = function() return math.floor(collectgarbage('count')) end
_VERSION = 'Lua 5.1'
print, dofile, loadfile, rawlen = nil, nil, nil, nil
`;

/** Names of the library tables that are read-only for scripts. */
const PROTECTED_LIBS = ['string', 'table', 'math', 'coroutine', 'bit', 'redis'];

export interface Environment {
  /** Registry ref of the globals proxy that scripts get as _ENV. */
  readonly envRef: number;
}

function runChunk(L: lua_State, name: string, src: string): void {
  const code = to_luastring(src);
  if (lauxlib.luaL_loadbuffer(L, code, code.length, name) !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
    throw new Error(`RESP fake: Lua setup chunk ${name} failed: ${lua.lua_tojsstring(L, -1)}`);
  }
}

/** luaL_error with a message that may contain '%' (luaL_error would format it). */
export function raiseWithWhere(L: lua_State, message: string): never {
  lauxlib.luaL_where(L, 1);
  pushLatin1(L, message);
  lua.lua_concat(L, 2);
  return lua.lua_error(L);
}

/** Raise a plain message (no position), as Redis's C helpers do with lua_error. */
export function raisePlain(L: lua_State, message: string): never {
  pushLatin1(L, message);
  return lua.lua_error(L);
}

// --- Lua 5.1 behaviour -----------------------------------------------------------------------

/** 5.1's error: the position is added to strings AND numbers (lua_isstring). */
function luaError(L: lua_State): number {
  const level = lua.lua_type(L, 2) <= 0 ? 1 : lauxlib.luaL_checkinteger(L, 2);
  lua.lua_settop(L, 1);
  if (lua.lua_isstring(L, 1) && level > 0) {
    lauxlib.luaL_where(L, level);
    lua.lua_pushvalue(L, 1);
    lua.lua_concat(L, 2);
  }
  return lua.lua_error(L);
}

/**
 * Redis 7.0's pcall (luaRedisPcall): an error that is a table with a string `err` comes back as
 * that string, so a script cannot get at Redis's error tables; 5.3 runtime messages are given
 * 5.1's wording.
 */
function pcall(stopped: () => string | undefined) {
  return (L: lua_State): number => {
    const argc = lua.lua_gettop(L);
    if (argc < 1) return lauxlib.luaL_argerror(L, 1, 'value expected');
    lua.lua_pushboolean(L, true);
    lua.lua_insert(L, 1);
    if (lua.lua_pcall(L, argc - 1, lua.LUA_MULTRET, 0) === lua.LUA_OK) return lua.lua_gettop(L);
    const stop = stopped();
    if (stop !== undefined) return raisePlain(L, stop); // a stopped script cannot catch its own stop
    lua.lua_remove(L, 1);
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      lua.lua_getfield(L, -1, 'err');
      if (lua.lua_isstring(L, -1)) lua.lua_replace(L, -2);
      else lua.lua_pop(L, 1);
    } else if (lua.lua_type(L, -1) === lua.LUA_TSTRING) {
      const msg = latin1(lua.lua_tostring(L, -1)!);
      const as51 = luaErrorAs51(msg);
      if (as51 !== msg) {
        lua.lua_pop(L, 1);
        pushLatin1(L, as51);
      }
    }
    lua.lua_pushboolean(L, false);
    lua.lua_insert(L, 1);
    return lua.lua_gettop(L);
  };
}

/** xpcall, except that a stopped script cannot catch its own stop. */
function xpcall(stopped: () => string | undefined) {
  return (L: lua_State): number => {
    lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
    lua.lua_insert(L, 1);
    lua.lua_call(L, lua.lua_gettop(L) - 1, lua.LUA_MULTRET);
    const stop = stopped();
    if (stop !== undefined) return raisePlain(L, stop);
    return lua.lua_gettop(L);
  };
}

const floor = (L: lua_State): number => {
  lua.lua_pushnumber(L, Math.floor(lauxlib.luaL_checknumber(L, 1)));
  return 1;
};
const ceil = (L: lua_State): number => {
  lua.lua_pushnumber(L, Math.ceil(lauxlib.luaL_checknumber(L, 1)));
  return 1;
};

const typeName = (L: lua_State, idx: number): string => latin1(lua.lua_typename(L, lua.lua_type(L, idx)));

/** 5.1's loadstring(s [, chunkname]); the chunk runs in the scripts' read-only globals. */
function loadstring(envRef: number) {
  return (L: lua_State): number => {
    if (lua.lua_type(L, 1) !== lua.LUA_TSTRING && lua.lua_type(L, 1) !== lua.LUA_TNUMBER) {
      return lauxlib.luaL_argerror(L, 1, `string expected, got ${typeName(L, 1)}`);
    }
    const src = lua.lua_tostring(L, 1)!;
    const name = lua.lua_type(L, 2) <= 0 ? src : lua.lua_tostring(L, 2) ?? src;
    if (lauxlib.luaL_loadbuffer(L, src, src.length, name) !== lua.LUA_OK) {
      lua.lua_pushnil(L);
      lua.lua_insert(L, -2);
      return 2;
    }
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, envRef);
    lua.lua_setupvalue(L, -2, 1);
    return 1;
  };
}

/** 5.1's load(func [, chunkname]): a reader function only; the chunk gets the scripts' globals. */
function load(envRef: number) {
  return (L: lua_State): number => {
    if (lua.lua_type(L, 1) !== lua.LUA_TFUNCTION) return lauxlib.luaL_argerror(L, 1, `function expected, got ${typeName(L, 1)}`);
    lua.lua_settop(L, 2);
    lua.lua_pushvalue(L, lua.lua_upvalueindex(1)); // 5.3's load
    lua.lua_insert(L, 1);
    lua.lua_pushliteral(L, 't');
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, envRef);
    lua.lua_call(L, 4, lua.LUA_MULTRET);
    return lua.lua_gettop(L);
  };
}

// --- Redis's PRNG (rand.c: lrand48 on 48 bits) -----------------------------------------------

const LRAND48_MAX = 2147483647;
const MASK48 = (1n << 48n) - 1n;

/** Redis's lrand48; process-wide in Redis, so it outlives SCRIPT FLUSH (one per fake server here). */
export class Lrand48 {
  // rand.c's static initial state (X2 X1 X0): Redis 7.0 never seeds it before the first script.
  private x = 0x1234abcd330en;

  seed(v: number): void {
    const u = BigInt(v | 0) & 0xffffffffn;
    this.x = ((u >> 16n) << 32n) | ((u & 0xffffn) << 16n) | 0x330en;
  }

  next(): number {
    this.x = (0x5deece66dn * this.x + 0xbn) & MASK48;
    return Number(this.x >> 17n);
  }
}

/** C's (int) of a Lua number, as luaL_checkint does. */
const checkInt = (L: lua_State, arg: number): number => Math.trunc(lauxlib.luaL_checknumber(L, arg)) | 0;

function randomFunctions(rng: Lrand48): Record<string, (L: lua_State) => number> {
  return {
    random(L) {
      const r = (rng.next() % LRAND48_MAX) / LRAND48_MAX;
      switch (lua.lua_gettop(L)) {
        case 0:
          lua.lua_pushnumber(L, r);
          return 1;
        case 1: {
          const u = checkInt(L, 1);
          if (!(1 <= u)) lauxlib.luaL_argerror(L, 1, 'interval is empty');
          lua.lua_pushnumber(L, Math.floor(r * u) + 1);
          return 1;
        }
        case 2: {
          const l = checkInt(L, 1);
          const u = checkInt(L, 2);
          if (!(l <= u)) lauxlib.luaL_argerror(L, 2, 'interval is empty');
          lua.lua_pushnumber(L, Math.floor(r * (u - l + 1)) + l);
          return 1;
        }
        default:
          return raiseWithWhere(L, 'wrong number of arguments');
      }
    },
    randomseed(L) {
      rng.seed(checkInt(L, 1));
      return 0;
    },
  };
}

// --- bit (LuaBitOp 1.0) -----------------------------------------------------------------------

const scratch = new DataView(new ArrayBuffer(8));

/** LuaBitOp's tobit: round to nearest (even) and keep the low 32 bits, signed. */
function tobit(n: number): number {
  scratch.setFloat64(0, n + 6755399441055744.0, true);
  return scratch.getInt32(0, true);
}

function bitLibrary(): Record<string, (L: lua_State) => number> {
  const arg = (L: lua_State, i: number) => tobit(lauxlib.luaL_checknumber(L, i));
  const ret = (L: lua_State, v: number) => {
    lua.lua_pushnumber(L, v | 0);
    return 1;
  };
  const fold = (op: (a: number, b: number) => number) => (L: lua_State) => {
    let v = arg(L, 1);
    for (let i = lua.lua_gettop(L); i > 1; i--) v = op(v, arg(L, i));
    return ret(L, v);
  };
  return {
    tobit: (L) => ret(L, arg(L, 1)),
    bnot: (L) => ret(L, ~arg(L, 1)),
    band: fold((a, b) => a & b),
    bor: fold((a, b) => a | b),
    bxor: fold((a, b) => a ^ b),
    lshift: (L) => ret(L, arg(L, 1) << (arg(L, 2) & 31)),
    rshift: (L) => ret(L, arg(L, 1) >>> (arg(L, 2) & 31)),
    arshift: (L) => ret(L, arg(L, 1) >> (arg(L, 2) & 31)),
    rol: (L) => {
      const b = arg(L, 1);
      const n = arg(L, 2) & 31;
      return ret(L, (b << n) | (b >>> (32 - n)));
    },
    ror: (L) => {
      const b = arg(L, 1);
      const n = arg(L, 2) & 31;
      return ret(L, (b >>> n) | (b << (32 - n)));
    },
    bswap: (L) => {
      const b = arg(L, 1);
      return ret(L, ((b >>> 24) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24)));
    },
    tohex: (L) => {
      const b = arg(L, 1);
      let n = lua.lua_type(L, 2) <= 0 ? 8 : arg(L, 2);
      const upper = n < 0;
      if (upper) n = -n;
      if (n > 8) n = 8;
      const hex = (b >>> 0).toString(16).padStart(8, '0').slice(8 - n);
      pushLatin1(L, upper ? hex.toUpperCase() : hex);
      return 1;
    },
  };
}

function setFunctions(L: lua_State, fns: Record<string, (L: lua_State) => number>): void {
  for (const [name, f] of Object.entries(fns)) {
    lua.lua_pushcfunction(L, f);
    lua.lua_setfield(L, -2, name);
  }
}

// --- protection ---------------------------------------------------------------------------------

const READONLY = 'Attempt to modify a readonly table';

/**
 * Open the libraries into the real globals, with `redis` already built by the caller (on the
 * top of the stack, popped), and make the read-only proxies.
 */
export function openEnvironment(
  L: lua_State, buildRedisTable: (L: lua_State) => void, rng: Lrand48, stopped: () => string | undefined,
): Environment {
  for (const [name, open] of [
    ['_G', lualib.luaopen_base], ['coroutine', lualib.luaopen_coroutine], ['table', lualib.luaopen_table],
    ['string', lualib.luaopen_string], ['math', lualib.luaopen_math],
  ] as const) {
    lauxlib.luaL_requiref(L, name, open, 1);
    lua.lua_pop(L, 1);
  }
  runChunk(L, '=compat', COMPAT);

  lua.lua_pushcfunction(L, luaError);
  lua.lua_setglobal(L, 'error');
  lua.lua_pushcfunction(L, pcall(stopped));
  lua.lua_setglobal(L, 'pcall');
  lua.lua_getglobal(L, 'xpcall');
  lua.lua_pushcclosure(L, xpcall(stopped), 1);
  lua.lua_setglobal(L, 'xpcall');
  lua.lua_getglobal(L, 'math');
  lua.lua_pushcfunction(L, floor);
  lua.lua_setfield(L, -2, 'floor');
  lua.lua_pushcfunction(L, ceil);
  lua.lua_setfield(L, -2, 'ceil');
  setFunctions(L, randomFunctions(rng));
  lua.lua_pop(L, 1);

  lua.lua_createtable(L, 0, 12);
  setFunctions(L, bitLibrary());
  lua.lua_setglobal(L, 'bit');

  buildRedisTable(L);
  lua.lua_setglobal(L, 'redis');

  // The set of protected tables (proxy -> true), for rawset and setmetatable.
  lua.lua_createtable(L, 0, 8);
  const protectedRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  const markProtected = () => {
    // proxy on top: protected[proxy] = true, proxy stays
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, protectedRef);
    lua.lua_pushvalue(L, -2);
    lua.lua_pushboolean(L, true);
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
  };
  const isProtected = (L: lua_State, idx: number): boolean => {
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, protectedRef);
    lua.lua_pushvalue(L, idx);
    lua.lua_rawget(L, -2);
    const yes = lua.lua_toboolean(L, -1);
    lua.lua_pop(L, 2);
    return yes;
  };

  const readonly = (L: lua_State): number => raiseWithWhere(L, READONLY);
  /** Push a proxy of the table at the top (which is popped): reads go through, writes raise. */
  const pushProxy = (): void => {
    const real = lua.lua_absindex(L, -1);
    lua.lua_createtable(L, 0, 0); // proxy
    lua.lua_createtable(L, 0, 4); // its metatable
    lua.lua_pushvalue(L, real);
    lua.lua_setfield(L, -2, '__index');
    lua.lua_pushcfunction(L, readonly);
    lua.lua_setfield(L, -2, '__newindex');
    lua.lua_pushvalue(L, real);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    lua.lua_getfield(L, -1, 'next');
    lua.lua_remove(L, -2);
    lua.lua_pushcclosure(L, (L) => {
      lua.lua_pushvalue(L, lua.lua_upvalueindex(2)); // next
      lua.lua_pushvalue(L, lua.lua_upvalueindex(1)); // the real table
      lua.lua_pushnil(L);
      return 3;
    }, 2);
    lua.lua_setfield(L, -2, '__pairs');
    lua.lua_pushvalue(L, real);
    lua.lua_pushcclosure(L, (L) => {
      lua.lua_pushnumber(L, lua.lua_rawlen(L, lua.lua_upvalueindex(1)));
      return 1;
    }, 1);
    lua.lua_setfield(L, -2, '__len');
    lua.lua_setmetatable(L, -2);
    lua.lua_remove(L, real);
    markProtected();
  };

  // Library tables: globals[name] = proxy(globals[name]).
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
  const globals = lua.lua_absindex(L, -1);
  for (const name of PROTECTED_LIBS) {
    lua.lua_getfield(L, globals, name);
    pushProxy();
    if (name === 'string') {
      // ("x"):len() looks methods up in the string metatable's __index: the proxy, as in Redis.
      lua.lua_pushliteral(L, '');
      lua.lua_getmetatable(L, -1);
      lua.lua_pushvalue(L, -3);
      lua.lua_setfield(L, -2, '__index');
      lua.lua_pop(L, 2);
    }
    lua.lua_setfield(L, globals, name);
  }

  // rawset and setmetatable refuse protected tables, without a position (as Redis's C checks).
  for (const name of ['rawset', 'setmetatable']) {
    lua.lua_getfield(L, globals, name);
    lua.lua_pushcclosure(L, (L) => {
      if (lua.lua_type(L, 1) === lua.LUA_TTABLE && isProtected(L, 1)) return raisePlain(L, READONLY);
      lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
      lua.lua_insert(L, 1);
      lua.lua_call(L, lua.lua_gettop(L) - 1, lua.LUA_MULTRET);
      return lua.lua_gettop(L);
    }, 1);
    lua.lua_setfield(L, globals, name);
  }

  // The globals proxy: scripts' _ENV and _G.
  lua.lua_pushvalue(L, globals);
  pushProxy();
  lua.lua_pushvalue(L, -1);
  const envRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  lua.lua_setfield(L, globals, '_G');

  lua.lua_pushcfunction(L, loadstring(envRef));
  lua.lua_setfield(L, globals, 'loadstring');
  lua.lua_getfield(L, globals, 'load');
  lua.lua_pushcclosure(L, load(envRef), 1);
  lua.lua_setfield(L, globals, 'load');

  // Reading a missing global raises (after everything above was looked up).
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushcfunction(L, (L) => {
    const name = toLatin1(L, 2) ?? '?';
    return raiseWithWhere(L, `Script attempted to access nonexistent global variable '${name}'`);
  });
  lua.lua_setfield(L, -2, '__index');
  lua.lua_setmetatable(L, globals);
  lua.lua_pop(L, 1);
  return { envRef };
}
