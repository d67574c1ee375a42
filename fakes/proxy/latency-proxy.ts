/**
 * A TCP proxy that puts network trouble in front of a real service (Redis, PostgreSQL): a
 * latency model per direction, connections dropped at once at `dropRate`, and connections
 * accepted but never forwarded at `stallRate` (the client waits until its own timeout).
 */
import net from 'node:net';
import type { RunningServer } from '../common/running.ts';
import { createRng, parseLatency } from '../../common/latency.ts';
import { DelayLine } from './delay-line.ts';
import { listen } from '../../common/listen.ts';

export interface LatencyProxyOptions {
  targetHost: string;
  targetPort: number;
  /** Latency spec added to client -> target chunks. */
  up?: string;
  /** Latency spec added to target -> client chunks. */
  down?: string;
  /** Probability [0, 1] that a new connection is closed at once. */
  dropRate?: number;
  /** Probability [0, 1] that a new connection is accepted and never forwarded. */
  stallRate?: number;
  seed?: number;
  host?: string;
  /** 0 (default) = ephemeral. */
  port?: number;
  /** For `empirical:file=` specs. */
  baseDir?: string;
}

function checkRate(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RangeError(`latency proxy: ${name} must be a number in [0, 1], got ${JSON.stringify(value)}`);
  }
  return value;
}

export async function startLatencyProxy(opts: LatencyProxyOptions): Promise<RunningServer> {
  // Validate everything before listening.
  const up = opts.up ? parseLatency(opts.up, { baseDir: opts.baseDir }) : undefined;
  const down = opts.down ? parseLatency(opts.down, { baseDir: opts.baseDir }) : undefined;
  const dropRate = checkRate('dropRate', opts.dropRate);
  const stallRate = checkRate('stallRate', opts.stallRate);
  const rng = createRng(opts.seed ?? 1);
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<net.Socket>();
  const lines = new Set<DelayLine>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    // Resets are the normal end of many connections; each side's close tears down the other.
    s.on('error', () => {});
  };

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    track(client);
    // Draw both every time so one rate does not shift the other's stream of decisions.
    const dropDraw = rng();
    const stallDraw = rng();
    if (dropDraw < dropRate) {
      client.destroy();
      return;
    }
    if (stallDraw < stallRate) {
      client.resume(); // read and discard: the client sees a live connection that never answers
      return;
    }
    client.setNoDelay(true);
    const upstream = net.connect({ host: opts.targetHost, port: opts.targetPort, allowHalfOpen: true });
    upstream.setNoDelay(true);
    track(upstream);
    const toTarget = new DelayLine(client, upstream, up, rng);
    const toClient = new DelayLine(upstream, client, down, rng);
    lines.add(toTarget);
    lines.add(toClient);
    client.on('data', (c: Buffer) => toTarget.push(c));
    upstream.on('data', (c: Buffer) => toClient.push(c));
    client.on('end', () => toTarget.end());
    upstream.on('end', () => toClient.end());
    // A side that closes cleanly still gets its queued (delayed) bytes delivered to the other
    // side before that one is ended; a side that fails takes the other down at once.
    let open = 2;
    const onClose = (other: net.Socket, into: DelayLine, outOf: DelayLine) => (hadError: boolean) => {
      into.stop();
      if (hadError) {
        outOf.stop();
        other.destroy();
      } else {
        outOf.end();
      }
      if (--open === 0) {
        lines.delete(toTarget);
        lines.delete(toClient);
      }
    };
    client.on('close', onClose(upstream, toClient, toTarget));
    upstream.on('close', onClose(client, toTarget, toClient));
  });

  const port = await listen(server, opts.port ?? 0, host);
  let closed: Promise<void> | undefined;
  return {
    url: `tcp://${host}:${port}`,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const l of lines) l.stop();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
