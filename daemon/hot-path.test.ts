/** The hot path runs the daemon's real frame handling synchronously, with the daemon's metrics calls. */
import { expect, it } from 'vitest';
import { createHotPath } from './hot-path.ts';
import { RecordingMetrics } from './testing/recording-metrics.ts';
import { createMetrics } from './metrics/index.ts';
import { driveMixed } from './metrics/testing/hot-path-session.ts';

it('answers call_tool status in the same tick with stream_complete + call_tool_res', () => {
  const m = new RecordingMetrics();
  const hp = createHotPath(m);
  const c = hp.connect('hot-1');
  expect(c.sent).toBe(1); // hello_ack
  expect(m.framesReceived).toBe(1);
  c.receive('{"op":"call_tool","request_id":"r1","name":"status","arguments":{}}');
  expect(c.sent).toBe(3);
  const res = JSON.parse(c.last);
  expect(res).toMatchObject({ op: 'call_tool_res', request_id: 'r1' });
  expect(JSON.parse(res.outputs[0].text).status).toBe('ok');
  expect(m.framesReceived).toBe(2);
  expect(m.framesSent).toBe(3);
  c.receive('{"op":"ping","request_id":"p"}');
  expect(JSON.parse(c.last).op).toBe('pong');
  c.close();
});

it('counts exactly with the fast backend', () => {
  const m = createMetrics('fast');
  const c = createHotPath(m).connect('hot-fast');
  for (let i = 0; i < 1000; i++) c.receive('{"op":"call_tool","request_id":"r","name":"status"}');
  const snap = m.snapshot();
  expect(snap.clients['hot-fast']).toMatchObject({ messagesReceived: 1001, messagesSent: 2001 });
  expect(c.sent).toBe(2001);
});

it('fast stays exact on the hot path: per client and in the totals, whatever the frames', () => {
  const m = createMetrics('fast');
  const ids = ['mix-a', 'mix-b', 'mix-c', 'mix-d'];
  const truth = driveMixed(createHotPath(m), ids);
  const snap = m.snapshot();
  let received = 0;
  let sent = 0;
  let status = 0;
  for (const id of ids) {
    const t = truth.get(id)!;
    expect(snap.clients[id], id).toMatchObject({ messagesReceived: t.received, messagesSent: t.sent(), connectionsOpened: 1 });
    received += t.received;
    sent += t.sent();
    status += t.status;
  }
  expect(snap.totals).toMatchObject({ messagesReceived: received, messagesSent: sent });
  expect(snap.requests?.status).toEqual({ ok: status, failed: 0 });
});
