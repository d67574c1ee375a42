/**
 * bench:flood's abuser, in its own process so its CPU is not the measuring client's: it sends
 * `frames` status calls as fast as the socket takes them. Closed by the daemon (4029), it
 * reconnects with the same session and goes on, as a real abuser would, until every frame is sent;
 * then it waits for the replies still coming and reports what it got.
 */
import WebSocket from 'ws';
import { connectToParent } from '../../common/child-process/fork.ts';

export interface FloodRequest {
  type: 'flood';
  url: string;
  frames: number;
}
export type FloodMessage = FloodRequest | { type: 'stop' };

export interface FloodResult {
  type: 'flooded';
  sent: number;
  replies: number;
  connections: number;
  closeCodes: number[];
  ms: number;
}
export type FloodReply = FloodResult | { type: 'error'; message: string };

const STATUS = '{"op":"call_tool","request_id":"flood","name":"status","arguments":{}}';
/** Frames written per turn of the event loop: enough to fill socket buffers, few enough to see a close. */
const BURST = 200;

async function connect(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ op: 'hello', session_id: `flood-${process.pid}` }));
  await new Promise<void>((resolve) => ws.once('message', () => resolve()));
  return ws;
}

async function flood(req: FloodRequest): Promise<FloodResult> {
  const t0 = performance.now();
  const result: FloodResult = { type: 'flooded', sent: 0, replies: 0, connections: 0, closeCodes: [], ms: 0 };
  while (result.sent < req.frames) {
    const ws = await connect(req.url);
    result.connections++;
    let open = true;
    const closed = new Promise<void>((resolve) => ws.once('close', (code) => {
      open = false;
      result.closeCodes.push(code);
      resolve();
    }));
    ws.on('message', () => result.replies++);
    while (open && result.sent < req.frames) {
      for (let i = 0; i < BURST && result.sent < req.frames; i++, result.sent++) ws.send(STATUS);
      await new Promise((r) => setImmediate(r));
    }
    if (open) {
      // Every frame sent: the replies still in flight, then a clean close.
      const quiet = async () => {
        let last = -1;
        while (open && last !== result.replies) {
          last = result.replies;
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      await quiet();
      if (open) ws.close(1000);
    }
    await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
  }
  result.ms = performance.now() - t0;
  return result;
}

const send = connectToParent<FloodMessage, FloodReply>((msg) => {
  if (msg.type === 'stop') process.exit(0);
  flood(msg).then(
    (r) => send(r),
    (err: Error) => send({ type: 'error', message: err.message }),
  );
});
