/**
 * One command in, one encoded reply out: look the command up, check arity and auth the way
 * Redis's processCommand does (in that order), queue it inside MULTI, or run it. Also owns
 * MULTI/EXEC/DISCARD, which are about the queue rather than the data, and redis.call's entry
 * (callFromScript), which checks a command the way Redis's scriptCall does.
 *
 * A command the fake does not implement gets Redis's own "unknown command" error, and the
 * first time each name is seen it is also said on stderr, so a gap in the fake cannot hide
 * behind a client that swallows errors.
 */
import { connectionCommands } from './commands/connection.ts';
import { hashCommands } from './commands/hashes.ts';
import { keyCommands } from './commands/keys.ts';
import { listCommands } from './commands/lists.ts';
import { scriptingCommands } from './commands/scripting.ts';
import { serverCommands } from './commands/server.ts';
import { stringCommands } from './commands/strings.ts';
import type { ClientState, CommandSpec, Ctx, ServerState } from './commands/types.ts';
import { OK, QUEUED, array, error, wrongArity } from './resp-reply.ts';

function multi(ctx: Ctx): string {
  if (ctx.client.queue) return error('ERR MULTI calls can not be nested');
  ctx.client.queue = [];
  ctx.client.dirty = false;
  return OK;
}

function exec(ctx: Ctx): string {
  const { client } = ctx;
  const queued = client.queue;
  if (!queued) return error('ERR EXEC without MULTI');
  client.queue = null;
  if (client.dirty) {
    client.dirty = false;
    return error('EXECABORT Transaction discarded because of previous errors.');
  }
  // One clock for the whole transaction, as Redis freezes time during EXEC.
  return array(queued.map(({ spec, args }) => run(spec, ctx.server, client, args, ctx.now)));
}

function discard(ctx: Ctx): string {
  if (!ctx.client.queue) return error('ERR DISCARD without MULTI');
  ctx.client.queue = null;
  ctx.client.dirty = false;
  return OK;
}

const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ...connectionCommands,
  ...stringCommands,
  ...keyCommands,
  ...hashCommands,
  ...listCommands,
  ...serverCommands,
  ...scriptingCommands(callFromScript, commandExists),
  ['multi', { arity: 1, run: multi, notQueued: true, noScript: true }],
  ['exec', { arity: 1, run: exec, notQueued: true, noScript: true }],
  ['discard', { arity: 1, run: discard, notQueued: true, noScript: true }],
]);

/** The names the fake answers (for docs and tests). */
export const COMMAND_NAMES: readonly string[] = [...COMMANDS.keys()];

/**
 * Whether the fake implements a command, named as Redis's commandstats and ACLs name it:
 * "GET", or "CLIENT|SETINFO" for a subcommand (case-insensitive).
 */
export function isImplemented(name: string): boolean {
  const [cmd, sub] = name.toLowerCase().split('|');
  const spec = COMMANDS.get(cmd);
  if (!spec) return false;
  if (sub === undefined) return true;
  return spec.subcommands?.has(sub) ?? false;
}

/** Names already reported as unimplemented (bounded: a client sending garbage cannot grow it). */
const reported = new Set<string>();
const MAX_REPORTED = 1000;

/** Say once per name (per process) that a command reached the fake that it does not implement. */
function reportUnimplemented(name: string, from: string): void {
  const key = name.toUpperCase();
  if (reported.has(key) || reported.size >= MAX_REPORTED) return;
  reported.add(key);
  process.stderr.write(`redis fake: unimplemented command ${key}${from} (first seen; further ones not logged)\n`);
}

export function newClient(server: ServerState): ClientState {
  return {
    id: server.nextClientId++,
    proto: 2,
    db: 0,
    authenticated: server.password === undefined,
    name: '',
    queue: null,
    dirty: false,
    closing: false,
  };
}

function run(spec: CommandSpec, server: ServerState, client: ClientState, args: string[], now: number): string {
  return spec.run({ server, client, db: server.keyspace.dbs[client.db], now }, args);
}

/** Redis's error replies are one line: a newline in an echoed argument would break framing. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/** Redis's wording, with the first arguments quoted (up to 128 chars of them). */
function unknownCommand(args: string[]): string {
  let quoted = '';
  for (let i = 1; i < args.length && quoted.length < 128; i++) quoted += `'${args[i].slice(0, 128 - quoted.length)}' `;
  return error(oneLine(`ERR unknown command '${args[0].slice(0, 128)}', with args beginning with: ${quoted}`));
}

function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

/** A command refused before it runs; inside MULTI it also dooms the transaction. */
function reject(client: ClientState, reply: string): string {
  if (client.queue) client.dirty = true;
  return reply;
}

/** The command's spec; an unknown one is reported once (`from` says where it came from). */
function commandSpec(args: string[], from: string): CommandSpec | undefined {
  const spec = COMMANDS.get(args[0].toLowerCase());
  if (!spec) reportUnimplemented(oneLine(args[0].slice(0, 128)), from);
  return spec;
}

/** A container's subcommand spec (args[1]); an unknown one is reported once. */
function subcommandSpec(container: CommandSpec, args: string[], from: string): CommandSpec | undefined {
  const sub = container.subcommands!.get(args[1].toLowerCase());
  if (!sub) reportUnimplemented(`${args[0].toLowerCase()}|${oneLine(args[1].slice(0, 128))}`, from);
  return sub;
}

export function dispatch(server: ServerState, client: ClientState, args: string[]): string {
  const name = args[0].toLowerCase();
  let spec = commandSpec(args, '');
  if (!spec) return reject(client, unknownCommand(args));
  if (!arityOk(spec.arity, args.length)) return reject(client, wrongArity(name));
  if (spec.subcommands) {
    const sub = args[1].toLowerCase();
    const subSpec = subcommandSpec(spec, args, '');
    if (!subSpec) {
      return reject(client, error(oneLine(`ERR unknown subcommand '${args[1].slice(0, 128)}'. Try ${name.toUpperCase()} HELP.`)));
    }
    if (!arityOk(subSpec.arity, args.length)) return reject(client, wrongArity(`${name}|${sub}`));
    spec = subSpec;
  }
  if (!client.authenticated && !spec.noAuth) return reject(client, error('NOAUTH Authentication required.'));
  if (client.queue && !spec.notQueued) {
    client.queue.push({ spec, args });
    return QUEUED;
  }
  return run(spec, server, client, args, Date.now());
}

const SCRIPT_UNKNOWN = error('ERR Unknown Redis command called from script');
const SCRIPT_ARITY = error('ERR Wrong number of args calling Redis command from script');
const SCRIPT_NOT_ALLOWED = error('ERR This Redis command is not allowed from script');

/**
 * redis.call / redis.pcall: Redis's scriptCall checks (command, subcommand, arity, not
 * allowed from scripts), then the command, never queued (a script's client has no MULTI).
 * `now` is the script's start: time stands still while a script runs, as in Redis.
 */
function callFromScript(server: ServerState, client: ClientState, args: string[], now: number): string {
  let spec = commandSpec(args, ' (from a script)');
  if (!spec) return SCRIPT_UNKNOWN;
  if (spec.subcommands && args.length >= 2) {
    spec = subcommandSpec(spec, args, ' (from a script)');
    if (!spec) return SCRIPT_UNKNOWN;
  }
  if (!arityOk(spec.arity, args.length)) return SCRIPT_ARITY;
  if (spec.noScript) return SCRIPT_NOT_ALLOWED;
  return run(spec, server, client, args, now);
}

/** redis.acl_check_cmd's lookup: the command, and its subcommand when it has them. */
function commandExists(args: string[]): boolean {
  const spec = COMMANDS.get(args[0].toLowerCase());
  if (!spec) return false;
  if (!spec.subcommands || args.length < 2) return true;
  return spec.subcommands.has(args[1].toLowerCase());
}
