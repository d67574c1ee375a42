/** Connection commands: HELLO, PING, AUTH, SELECT, CLIENT SETNAME/SETINFO, INFO, QUIT. */
import { DB_COUNT } from '../keyspace.ts';
import { parseInt64 } from '../int64.ts';
import { NOT_INTEGER, OK, PONG, SYNTAX, array, bulk, error, integer, mapFor, wrongArity } from '../resp-reply.ts';
import type { CommandSpec, Ctx } from './types.ts';

const WRONGPASS = error('WRONGPASS invalid username-password pair or user is disabled.');

/** Check a username/password against the single `default` user; true when accepted. */
function authenticate(ctx: Ctx, user: string, password: string): boolean {
  const required = ctx.server.password;
  const ok = user === 'default' && (required === undefined || password === required);
  if (ok) ctx.client.authenticated = true;
  return ok;
}

function auth(ctx: Ctx, args: string[]): string {
  if (args.length > 3) return SYNTAX;
  if (args.length === 2) {
    // Redis keeps the old error for `AUTH <password>` when no password is configured.
    if (ctx.server.password === undefined) {
      return error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
    }
    return authenticate(ctx, 'default', args[1]) ? OK : WRONGPASS;
  }
  return authenticate(ctx, args[1], args[2]) ? OK : WRONGPASS;
}

/** Redis's validateClientName: printable ASCII without spaces. */
function validName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
const BAD_NAME = error('ERR Client names cannot contain spaces, newlines or special characters.');

/** HELLO [protover [AUTH user pass] [SETNAME name]]: the map is sent in the NEW protocol. */
function hello(ctx: Ctx, args: string[]): string {
  let proto: number | undefined;
  if (args.length >= 2) {
    const v = parseInt64(args[1]);
    if (v === undefined) return error('ERR Protocol version is not an integer or out of range');
    if (v !== 2 && v !== 3) return error('NOPROTO unsupported protocol version');
    proto = v;
  }
  let credentials: [string, string] | undefined;
  let name: string | undefined;
  for (let j = 2; j < args.length; j++) {
    const opt = args[j].toLowerCase();
    const more = args.length - 1 - j;
    if (opt === 'auth' && more >= 2) {
      credentials = [args[j + 1], args[j + 2]];
      j += 2;
    } else if (opt === 'setname' && more >= 1) {
      name = args[++j];
      if (!validName(name)) return BAD_NAME;
    } else return error(`ERR Syntax error in HELLO option '${args[j]}'`);
  }
  if (credentials && !authenticate(ctx, credentials[0], credentials[1])) return WRONGPASS;
  if (ctx.server.password !== undefined && !ctx.client.authenticated) {
    return error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
  }
  if (name !== undefined) ctx.client.name = name;
  if (proto !== undefined) ctx.client.proto = proto as 2 | 3;
  return mapFor(ctx.client.proto, [
    bulk('server'), bulk('redis'),
    bulk('version'), bulk(ctx.server.version),
    bulk('proto'), integer(ctx.client.proto),
    bulk('id'), integer(ctx.client.id),
    bulk('mode'), bulk('standalone'),
    bulk('role'), bulk('master'),
    bulk('modules'), array([]),
  ]);
}

function ping(_ctx: Ctx, args: string[]): string {
  if (args.length > 2) return wrongArity('ping');
  return args.length === 2 ? bulk(args[1]) : PONG;
}

function select(ctx: Ctx, args: string[]): string {
  const n = parseInt64(args[1]);
  // getIntFromObjectOrReply: must also fit a C int.
  if (n === undefined || typeof n === 'bigint' || n > 2147483647 || n < -2147483648) return NOT_INTEGER;
  if (n < 0 || n >= DB_COUNT) return error('ERR DB index is out of range');
  ctx.client.db = n;
  return OK;
}

/**
 * Just what ioredis reads at connect (its ready check wants `loading:0`), plus the keyspace
 * line so a curious human sees the fake's contents. A bulk string in RESP2 and, as Redis sends
 * it, a verbatim string ("txt") in RESP3.
 */
function info(ctx: Ctx): string {
  const lines = [
    '# Server', `redis_version:${ctx.server.version}`, 'redis_mode:standalone', 'os:overbench RESP fake',
    `process_id:${process.pid}`, '', '# Persistence', 'loading:0', '', '# Replication', 'role:master', '', '# Keyspace',
  ];
  ctx.server.keyspace.dbs.forEach((db, i) => {
    if (db.data.size > 0) lines.push(`db${i}:keys=${db.data.size},expires=${db.expires.size},avg_ttl=0`);
  });
  const text = lines.join('\r\n') + '\r\n';
  return ctx.client.proto === 3 ? `=${text.length + 4}\r\ntxt:${text}\r\n` : bulk(text);
}

function quit(ctx: Ctx): string {
  ctx.client.closing = true;
  return OK;
}

const ATTRIBUTES = new Set(['lib-name', 'lib-ver']);

/** Redis 7.2's CLIENT SETINFO; ioredis sends it at connect and ignores the answer. */
function clientSetinfo(_ctx: Ctx, args: string[]): string {
  if (!ATTRIBUTES.has(args[2].toLowerCase())) return error(`ERR Unrecognized option '${args[2]}'`);
  return validName(args[3]) ? OK : error(`ERR ${args[2]} cannot contain spaces, newlines or special characters.`);
}

function clientSetname(ctx: Ctx, args: string[]): string {
  if (!validName(args[2])) return BAD_NAME;
  ctx.client.name = args[2];
  return OK;
}

export const connectionCommands: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ['hello', { arity: -1, run: hello, noAuth: true, noScript: true }],
  ['auth', { arity: -2, run: auth, noAuth: true, noScript: true }],
  ['ping', { arity: -1, run: ping }],
  ['select', { arity: 2, run: select }],
  ['info', { arity: -1, run: info }],
  ['quit', { arity: -1, run: quit, noAuth: true, notQueued: true, noScript: true }],
  ['client', {
    arity: -2,
    run: () => OK, // never called: dispatch resolves the subcommand
    subcommands: new Map<string, CommandSpec>([
      ['setname', { arity: 3, run: clientSetname, noScript: true }],
      ['setinfo', { arity: 4, run: clientSetinfo, noScript: true }],
    ]),
  }],
]);
