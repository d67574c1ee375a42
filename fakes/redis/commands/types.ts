/** What a command handler sees, and how the command table describes a command. */
import type { Database, Keyspace } from '../keyspace.ts';
import type { Proto } from '../resp-reply.ts';

/** Server-wide state shared by every connection of one fake. */
export interface ServerState {
  readonly keyspace: Keyspace;
  /** When set, clients must AUTH (as `default`) before other commands, like `requirepass`. */
  readonly password: string | undefined;
  /** Reported by HELLO and INFO. */
  readonly version: string;
  nextClientId: number;
  /** A script running longer than this is stopped with an error (default 5000 ms). */
  readonly scriptTimeLimitMs?: number;
}

/** Per-connection state. */
export interface ClientState {
  readonly id: number;
  proto: Proto;
  db: number;
  authenticated: boolean;
  name: string;
  /** Commands queued since MULTI (already looked up and checked); null outside a transaction. */
  queue: Array<{ spec: CommandSpec; args: string[] }> | null;
  /** A command was rejected while queueing: EXEC must abort. */
  dirty: boolean;
  /** QUIT: close the connection once this reply is written. */
  closing: boolean;
}

export interface Ctx {
  readonly server: ServerState;
  readonly client: ClientState;
  readonly db: Database;
  /** One clock read per command, as Redis takes one per command for expiry decisions. */
  readonly now: number;
}

/** A command returns its encoded reply (see resp-reply.ts). */
export type Handler = (ctx: Ctx, args: string[]) => string;

export interface CommandSpec {
  /** Redis's arity: N = exactly N words incl. the name; -N = at least N. */
  readonly arity: number;
  readonly run: Handler;
  /** Allowed before AUTH (AUTH, HELLO, QUIT). */
  readonly noAuth?: boolean;
  /** Runs at once even inside MULTI (EXEC, DISCARD, MULTI, QUIT). */
  readonly notQueued?: boolean;
  /** Refused from scripts (Redis's CMD_NOSCRIPT): "This Redis command is not allowed from script". */
  readonly noScript?: boolean;
  /** Container commands (CLIENT): subcommand name (lowercase) -> spec. */
  readonly subcommands?: ReadonlyMap<string, CommandSpec>;
}
