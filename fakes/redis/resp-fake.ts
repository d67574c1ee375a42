/**
 * The RESP fake: a Redis stand-in on node:net for runs without a redis-server. It answers the
 * commands the daemon uses (daemon-commands.json, recorded from the daemon; see dispatch.ts),
 * Lua scripts included, in RESP2 or RESP3, and says `-ERR unknown command` to anything else
 * (and once per name on stderr), so a daemon that starts using something new fails loudly
 * instead of silently getting wrong answers.
 */
import net from 'node:net';
import type { RunningServer } from '../common/running.ts';
import type { ServerState } from './commands/types.ts';
import { dispatch, newClient } from './dispatch.ts';
import { Keyspace } from './keyspace.ts';
import { RespProtocolError, RespRequestParser } from './resp-parser.ts';
import { error } from './resp-reply.ts';
import { listen } from '../../common/listen.ts';

export interface RespFakeOptions {
  host?: string;
  /** 0 (default) = ephemeral. */
  port?: number;
  /** Like `requirepass`: clients must AUTH (user `default`) first. The URL carries it. */
  password?: string;
  /** What HELLO and INFO report; ioredis only checks that it is >= 6 for RESP3. */
  version?: string;
  /** A Lua script running longer is stopped with an error (default 5000 ms, Redis's busy time). */
  scriptTimeLimitMs?: number;
}

export async function startRespFake(opts: RespFakeOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const keyspace = new Keyspace();
  const state: ServerState = {
    keyspace, password: opts.password, version: opts.version ?? '7.2.0', nextClientId: 1, scriptTimeLimitMs: opts.scriptTimeLimitMs,
  };
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const client = newClient(state);
    // Replies to one chunk's commands are concatenated and written once.
    let out = '';
    const parser = new RespRequestParser((args) => {
      if (!client.closing) out += dispatch(state, client, args);
    });
    socket.on('data', (chunk: Buffer) => {
      if (client.closing) return;
      try {
        parser.feed(chunk);
      } catch (e) {
        // Bad framing closes the connection, as in Redis; a bug of the fake is said out loud
        // to the client (and stderr) rather than crashing every other connection.
        if (e instanceof RespProtocolError) out += error(`ERR Protocol error: ${e.message}`);
        else {
          console.error('RESP fake: internal error', e);
          out += error(`ERR internal error in the RESP fake: ${String((e as Error)?.message ?? e).replace(/[\r\n]/g, ' ')}`);
        }
        client.closing = true;
      }
      if (out !== '') {
        socket.write(out, 'latin1');
        out = '';
      }
      if (client.closing) socket.end();
    });
    // A client that vanishes mid-write is normal for a server; nothing to report.
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });

  const port = await listen(server, opts.port ?? 0, host);
  keyspace.startSweeper();
  const auth = opts.password === undefined ? '' : `:${encodeURIComponent(opts.password)}@`;
  let closed: Promise<void> | undefined;
  return {
    url: `redis://${auth}${host}:${port}`,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        keyspace.stopSweeper();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
