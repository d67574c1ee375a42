/**
 * fengari (Lua 5.3 in JS), loaded once and adjusted to behave like the Lua 5.1 that Redis
 * embeds where a script can tell the difference:
 * - numbers: Lua 5.1 has only doubles; fengari's integers are 32-bit and wrap on overflow
 *   (2147483647 + 1 < 0). Numerals (in source, tonumber, string coercion) are parsed as
 *   floats, so arithmetic is double arithmetic as in 5.1;
 * - tostring / concatenation of a number: 5.1 prints `%.14g` ("1e+15", "3"); fengari prints
 *   "1000000000000000" and "3.0". Its formatter and float-string switch are replaced.
 * Both are module-level settings of fengari read when its modules load, so this file must be
 * the first (and only) place fengari is loaded: it requires defs.js and luaconf.js, patches
 * luaconf, then loads
 * the VM, and checks at load that the patches took.
 */
import { createRequire } from 'node:module';
import { formatG } from './number-format.ts';

const require = createRequire(import.meta.url);

// defs.js first, as fengari itself loads them (defs.js and luaconf.js require each other).
require('fengari/src/defs.js');
const luaconf = require('fengari/src/luaconf.js') as typeof import('fengari/src/luaconf.js');
luaconf.LUA_COMPAT_FLOATSTRING = true;
luaconf.lua_number2str = (n: number) => formatG(n, 14);

const fengari = require('fengari') as typeof import('fengari');

const lobject = require('fengari/src/lobject.js') as typeof import('fengari/src/lobject.js');
const str2num = lobject.luaO_str2num;
lobject.luaO_str2num = (s, o) => {
  const r = str2num(s, o);
  if (r !== 0 && o.ttisinteger()) o.setfltvalue(o.value);
  return r;
};

export const { lua, lauxlib, lualib, to_luastring } = fengari;
export type { lua_State, lua_CFunction, LuaString } from 'fengari';

/** Check once that the number patches are in force (they are not if fengari was loaded first). */
function selfCheck(): void {
  const L = lauxlib.luaL_newstate();
  lauxlib.luaL_requiref(L, 'base', lualib.luaopen_base, 1);
  const src = to_luastring('return tostring(2147483647 + 1) .. " " .. tostring(1e15) .. " " .. tostring(3.0)');
  if (lauxlib.luaL_loadbuffer(L, src, src.length, 'check') !== lua.LUA_OK || lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
    throw new Error(`fengari self-check failed: ${lua.lua_tojsstring(L, -1)}`);
  }
  const got = lua.lua_tojsstring(L, -1);
  if (got !== '2147483648 1e+15 3') {
    throw new Error(`fengari was loaded before fakes/redis/lua/fengari-vm.ts could adjust it (got "${got}")`);
  }
}
selfCheck();
