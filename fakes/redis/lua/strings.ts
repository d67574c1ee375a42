/**
 * Lua strings are bytes (Uint8Array in fengari); the fake's keys and values are latin1 JS
 * strings (one char per byte). These two conversions keep every byte as it is.
 */
import { lua, type lua_State } from './fengari-vm.ts';

export function pushLatin1(L: lua_State, s: string): void {
  lua.lua_pushstring(L, Buffer.from(s, 'latin1'));
}

export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** The string at idx (numbers converted as Lua does), or undefined for other types. */
export function toLatin1(L: lua_State, idx: number): string | undefined {
  const b = lua.lua_tostring(L, idx);
  return b === null ? undefined : latin1(b);
}
