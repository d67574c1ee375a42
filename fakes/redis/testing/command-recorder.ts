/**
 * Which Redis commands a program sends, seen two ways in front of a real redis-server:
 * - a tap: a TCP proxy whose URL the program is given; every request through it is parsed and
 *   its command name kept, including those the server refuses (MONITOR never shows those, e.g.
 *   ioredis's CLIENT SETINFO on a Redis older than 7.2);
 * - MONITOR on the server: the commands scripts run (its "lua" lines: EVAL's redis.call), and
 *   the tap's own upstream connections' lines as a cross-check.
 * Names are upper case; a container's subcommand is named as Redis's commandstats name it,
 * "CLIENT|SETINFO". Nothing is recorded from other connections to the server, so a test may
 * inspect the server with its own client without polluting the record.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { RespRequestParser } from '../resp-parser.ts';

/** Redis 7's container commands: their first argument is a subcommand. */
const CONTAINERS = new Set([
  'ACL', 'CLIENT', 'CLUSTER', 'COMMAND', 'CONFIG', 'FUNCTION', 'LATENCY', 'MEMORY', 'MODULE', 'OBJECT',
  'PUBSUB', 'SCRIPT', 'SLOWLOG', 'XGROUP', 'XINFO',
]);

export function commandName(args: readonly string[]): string {
  const name = args[0].toUpperCase();
  return CONTAINERS.has(name) && args.length > 1 ? `${name}|${args[1].toUpperCase()}` : name;
}

export interface CommandRecorder {
  /** Give this URL to the program under observation. */
  readonly url: string;
  /** The distinct names seen so far (after MONITOR has caught up), sorted. */
  names(): Promise<string[]>;
  /** Of those, the ones scripts ran (redis.call inside EVAL), sorted; call after names(). */
  inScripts(): string[];
  close(): Promise<void>;
}

export async function startCommandRecorder(serverUrl: string): Promise<CommandRecorder> {
  const target = new URL(serverUrl);
  const host = target.hostname || '127.0.0.1';
  const port = Number(target.port || 6379);
  const seen = new Set<string>();
  const scripted = new Set<string>();
  /** "127.0.0.1:PORT" of the tap's upstream sockets, as MONITOR names them. */
  const upstreams = new Set<string>();
  const sockets = new Set<net.Socket>();

  const tap = net.createServer((client) => {
    const upstream = net.connect(port, host);
    sockets.add(client).add(upstream);
    upstream.once('connect', () => upstreams.add(`${upstream.localAddress}:${upstream.localPort}`));
    const parser = new RespRequestParser((args) => {
      if (args.length > 0) seen.add(commandName(args));
    });
    client.on('data', (chunk: Buffer) => {
      try {
        parser.feed(chunk);
      } catch {
        // bad framing: the server will say so; the tap only watches
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
  });
  await new Promise<void>((resolve, reject) => {
    tap.once('error', reject);
    tap.listen(0, '127.0.0.1', () => resolve());
  });
  const tapPort = (tap.address() as net.AddressInfo).port;

  // MONITOR through ioredis: a dedicated connection; `monitor()` resolves once it is on.
  const admin = new Redis(serverUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  await admin.connect();
  const monitor = await admin.monitor();
  let markerWaiter: { marker: string; resolve: () => void } | undefined;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (args.length === 0) return;
    if (markerWaiter && args[0].toUpperCase() === 'ECHO' && args[1] === markerWaiter.marker) {
      markerWaiter.resolve();
      return;
    }
    if (source === 'lua') scripted.add(commandName(args));
    if (source === 'lua' || upstreams.has(source)) seen.add(commandName(args));
  });

  let markers = 0;
  return {
    url: `redis://127.0.0.1:${tapPort}`,
    async names() {
      // MONITOR lines arrive after the commands ran: a marker sent now, seen on MONITOR, means
      // every earlier command's line has been read.
      const marker = `overbench-recorder-marker-${process.pid}-${++markers}`;
      const caught = new Promise<void>((resolve) => (markerWaiter = { marker, resolve }));
      await admin.echo(marker);
      await Promise.race([caught, new Promise((r) => setTimeout(r, 2000))]);
      markerWaiter = undefined;
      return [...seen].sort();
    },
    inScripts() {
      return [...scripted].sort();
    },
    async close() {
      monitor.disconnect();
      admin.disconnect();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tap.close(() => resolve()));
    },
  };
}
