/**
 * bench:daemon's load generator, in its own process (forked with tsx) so its CPU is not the
 * daemon's. Per window: open N connections (hello for the daemon), keep `depth` status calls in
 * flight on each, count terminal replies for `seconds` after a warm-up, report the rate.
 * The reply check is a prefix test, not a JSON parse: the client must stay cheaper than the server.
 */
import WebSocket from 'ws';
import { connectToParent } from '../../common/child-process/fork.ts';

export interface WindowRequest {
  type: 'window';
  url: string;
  /** 'exai': hello + call_tool status, terminal = call_tool_res; 'echo': any reply is terminal. */
  protocol: 'exai' | 'echo';
  connections: number;
  depth: number;
  warmupMs: number;
  measureMs: number;
}

/** parent -> load client: a window to run, or the end. */
export type LoadClientMessage = WindowRequest | { type: 'stop' };

export interface WindowResult {
  type: 'result';
  roundTrips: number;
  seconds: number;
  rate: number;
  clientCpuUs: number;
}

/** load client -> parent: a window's result, or why it failed. */
export type LoadClientReply = WindowResult | { type: 'error'; message: string };

const STATUS = '{"op":"call_tool","request_id":"b","name":"status","arguments":{}}';
const TERMINAL = '{"op":"call_tool_res"';

async function openConn(req: WindowRequest, i: number): Promise<WebSocket> {
  const ws = new WebSocket(req.url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  if (req.protocol === 'exai') {
    ws.send(JSON.stringify({ op: 'hello', session_id: `bench-${process.pid}-${i}` }));
    await new Promise<void>((resolve) => ws.once('message', () => resolve()));
  }
  return ws;
}

async function runWindow(req: WindowRequest): Promise<WindowResult> {
  const conns = await Promise.all(Array.from({ length: req.connections }, (_, i) => openConn(req, i)));
  let counting = false;
  let count = 0;
  let running = true;
  for (const ws of conns) {
    ws.on('message', (data: Buffer) => {
      if (req.protocol === 'exai' && data.toString('latin1', 0, TERMINAL.length) !== TERMINAL) return;
      if (counting) count++;
      if (running) ws.send(STATUS);
    });
    for (let k = 0; k < req.depth; k++) ws.send(STATUS);
  }
  await new Promise((r) => setTimeout(r, req.warmupMs));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  counting = true;
  await new Promise((r) => setTimeout(r, req.measureMs));
  counting = false;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  running = false;
  await Promise.all(conns.map((ws) => new Promise<void>((resolve) => {
    ws.once('close', () => resolve());
    ws.close(1000);
    setTimeout(() => {
      ws.terminate();
      resolve();
    }, 2000).unref();
  })));
  return { type: 'result', roundTrips: count, seconds, rate: count / seconds, clientCpuUs: cpu.user + cpu.system };
}

// The parent's disconnect (or death) ends the client.
const send = connectToParent<LoadClientMessage, LoadClientReply>((msg) => {
  if (msg.type === 'stop') process.exit(0);
  runWindow(msg).then(
    (r) => send(r),
    (err: Error) => send({ type: 'error', message: err.message }),
  );
});
