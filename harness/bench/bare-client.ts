/**
 * The yardstick for harness/bench/driver-bench.ts: the least a ws client can do per round trip.
 * N connections, hello, then each sends a call_tool frame (the same frames the driver sends: the
 * request id and a unique prompt), and sends the next one the moment any frame comes back.
 * No parsing, no histogram, no checks. Forked; IPC: {type:'window', durationMs} ->
 * {type:'done', roundTrips, durationMs, cpuUs}; {type:'stop'} -> exits.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { connectToParent } from '../../common/child-process/fork.ts';

export interface BareWindowResult {
  type: 'done';
  roundTrips: number;
  durationMs: number;
  cpuUs: number;
}

export type BareClientMessage = { type: 'window'; durationMs: number } | { type: 'stop' };
export type BareClientReply = { type: 'ready' } | BareWindowResult;

const [url, connArg] = process.argv.slice(2);
const connections = Number(connArg ?? 4);
let running = false;
let roundTrips = 0;
let nextId = 0;

const frame = (): string => {
  const id = ++nextId;
  return '{"op":"call_tool","request_id":"' + id + '","name":"echo","arguments":{"prompt":"hi #' + id + '"}}';
};

async function connect(i: number): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ op: 'hello', session_id: `bare-${i}` })));
    ws.once('message', () => resolve());
  });
  ws.on('message', () => {
    if (!running) return;
    roundTrips++;
    ws.send(frame());
  });
  return ws;
}

const sockets = await Promise.all(Array.from({ length: connections }, (_, i) => connect(i)));

// The parent's disconnect (or death) ends the client.
const send = connectToParent<BareClientMessage, BareClientReply>((msg) => {
  if (msg.type === 'stop') {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
  roundTrips = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  running = true;
  for (const ws of sockets) ws.send(frame());
  setTimeout(() => {
    running = false;
    const durationMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    // let the last replies arrive (they are not counted) so the next window starts quiet
    setTimeout(() => void send({ type: 'done', roundTrips, durationMs, cpuUs: cpu.user + cpu.system }), 50);
  }, msg.durationMs);
});
void send({ type: 'ready' });
