/**
 * RESP reply encoders. A reply is a latin1 string (one char per byte; keys and values are
 * stored that way, see resp-parser.ts), so replies to a whole TCP chunk are concatenated and
 * written with one `socket.write(out, 'latin1')`.
 *
 * Only nil and maps differ between RESP2 and RESP3 among the types the fake sends.
 */
export type Proto = 2 | 3;

export const OK = '+OK\r\n';
export const QUEUED = '+QUEUED\r\n';
export const PONG = '+PONG\r\n';
export const ZERO = ':0\r\n';
export const ONE = ':1\r\n';

/** `message` starts with the error code (ERR, WRONGTYPE, NOPROTO, ...), as Redis writes it. */
export function error(message: string): string {
  return `-${message}\r\n`;
}

export function integer(n: number | bigint): string {
  return `:${n}\r\n`;
}

export function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

export function nil(proto: Proto): string {
  return proto === 3 ? '_\r\n' : '$-1\r\n';
}

/** An array of already-encoded replies. */
export function array(items: readonly string[]): string {
  return `*${items.length}\r\n${items.join('')}`;
}

/** A map of already-encoded keys and values, flattened into [k, v, ...] for RESP2. */
export function mapFor(proto: Proto, pairs: readonly string[]): string {
  if (proto === 2) return array(pairs);
  return `%${pairs.length / 2}\r\n${pairs.join('')}`;
}

export const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
export const NOT_INTEGER = error('ERR value is not an integer or out of range');
export const OVERFLOW = error('ERR increment or decrement would overflow');
export const SYNTAX = error('ERR syntax error');

export function wrongArity(name: string): string {
  return error(`ERR wrong number of arguments for '${name}' command`);
}

export function invalidExpire(name: string): string {
  return error(`ERR invalid expire time in '${name}' command`);
}
