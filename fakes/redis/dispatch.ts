/**
 * One command in, one encoded reply out: look the command up, check arity and auth the way
 * Redis's processCommand does (in that order), queue it inside MULTI, or run it. Also owns
 * MULTI/EXEC/DISCARD, which are about the queue rather than the data.
 */
import { connectionCommands } from './commands/connection.ts';
import { hashCommands } from './commands/hashes.ts';
import { keyCommands } from './commands/keys.ts';
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
  ['multi', { arity: 1, run: multi, notQueued: true }],
  ['exec', { arity: 1, run: exec, notQueued: true }],
  ['discard', { arity: 1, run: discard, notQueued: true }],
]);

/** The names the fake answers (for docs and tests). */
export const COMMAND_NAMES: readonly string[] = [...COMMANDS.keys()];

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

export function dispatch(server: ServerState, client: ClientState, args: string[]): string {
  const name = args[0].toLowerCase();
  let spec = COMMANDS.get(name);
  if (!spec) return reject(client, unknownCommand(args));
  if (!arityOk(spec.arity, args.length)) return reject(client, wrongArity(name));
  if (spec.subcommands) {
    const sub = args[1].toLowerCase();
    const subSpec = spec.subcommands.get(sub);
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
