/**
 * Lua 5.3's error wording (fengari) turned into Lua 5.1's, which Redis's replies carry:
 * - runtime: "attempt to index a nil value (local 't')" -> "attempt to index local 't' (a nil value)";
 * - parser: tokens in angle brackets are quoted in 5.1: "<name> expected near <eof>" ->
 *   "'<name>' expected near '<eof>'" (5.3's <integer> is 5.1's <number>).
 */
export function luaErrorAs51(msg: string): string {
  return msg
    .replace(/(?<!')<(eof|name|number|string|integer)>(?!')/g, (_m, t: string) => `'<${t === 'integer' ? 'number' : t}>'`)
    .replace(/attempt to (perform arithmetic on|index|call|concatenate|get length of) a (\w+) value \((global|local|field|upvalue|method|constant) '([^']*)'\)/,
      (_m, op: string, type: string, kind: string, name: string) => `attempt to ${op} ${kind === 'constant' ? 'field' : kind} '${name}' (a ${type} value)`);
}
