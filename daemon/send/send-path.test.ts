/**
 * The send path, part by part, on and off: dedup (canonical JSON, per connection, TTL), the one
 * send breaker (critical frames queued while OPEN, the rest dropped), and retry (backoff, attempts,
 * expiry). Connections are plain SendTargets whose sends succeed or fail as the test says.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, type SendPathConfig } from '../config.ts';
import { RecordingMetrics } from '../testing/recording-metrics.ts';
import type { CircuitState } from '../metrics/types.ts';
import { canonicalJson } from '../../common/json.ts';
import { SendPath, type SendTarget } from './send-path.ts';

let scope = 1000;
class Target implements SendTarget {
  readonly sent: string[] = [];
  readonly sendScope = ++scope;
  get client() {
    return { id: this.sessionId, slot: -1 };
  }
  /** Sends fail while this is > 0 (and count it down). */
  failNext = 0;
  down = false;
  constructor(readonly sessionId: string) {}
  sendNow(text: string): boolean {
    if (this.down) return false;
    if (this.failNext > 0) {
      this.failNext--;
      return false;
    }
    this.sent.push(text);
    return true;
  }
}

function config(env: Record<string, string>): SendPathConfig {
  return parseConfig(env).send;
}

const RESULT = (id: string) => `{"op":"call_tool_res","request_id":"${id}","outputs":[]}`;
const PROGRESS = '{"op":"progress","request_id":"r1","message":"Tool execution in progress..."}';

const paths: SendPath[] = [];
function path(env: Record<string, string>, clock?: { t: number }) {
  const metrics = new RecordingMetrics();
  const changes: [CircuitState, CircuitState][] = [];
  const p = new SendPath(config(env), metrics, (f, t) => changes.push([f, t]), clock ? () => clock.t : undefined, () => 0);
  paths.push(p);
  return { p, metrics, changes };
}
afterEach(() => {
  for (const p of paths.splice(0)) p.close();
});

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('canonical JSON', () => {
  it('sorts keys at every depth, like json.dumps(sort_keys=True)', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"y":null,"z":0}]},"b":1}');
  });
});

describe('send path', () => {
  it('is not built when every part is off (the default)', () => {
    expect(SendPath.wanted(config({}))).toBe(false);
    expect(SendPath.wanted(config({ EXAI_SEND_DEDUP: 'on' }))).toBe(true);
  });

  it('dedup on: an equal frame (by canonical JSON) on the same connection within the TTL is skipped and counted; other connections and later frames pass', () => {
    const clock = { t: 0 };
    const { p, metrics } = path({ EXAI_SEND_DEDUP: 'on', EXAI_SEND_DEDUP_TTL_SECS: '300' }, clock);
    const a = new Target('a');
    const b = new Target('b');
    expect(p.send(a, PROGRESS)).toBe(true);
    expect(p.send(a, PROGRESS)).toBe(true);
    expect(p.send(a, '{"message":"Tool execution in progress...","request_id":"r1","op":"progress"}')).toBe(true);
    expect(p.send(b, PROGRESS)).toBe(true);
    expect(a.sent).toEqual([PROGRESS]);
    expect(b.sent).toEqual([PROGRESS]);
    expect(p.stats.dedupHits).toBe(2);
    expect(metrics.dedupHits).toBe(2);
    clock.t += 300_001;
    p.send(a, PROGRESS);
    expect(a.sent).toEqual([PROGRESS, PROGRESS]);
  });

  it('dedup off: every frame is sent', () => {
    const { p } = path({ EXAI_SEND_BREAKER: 'on' });
    const a = new Target('a');
    p.send(a, PROGRESS);
    p.send(a, PROGRESS);
    expect(a.sent).toEqual([PROGRESS, PROGRESS]);
    expect(p.stats.dedupHits).toBe(0);
  });

  it('breaker on: 5 failed sends open it; while OPEN critical frames queue and the rest drop; after the cool-down 2 successes close it and the queue goes first', () => {
    const clock = { t: 0 };
    const { p, changes } = path({ EXAI_SEND_BREAKER: 'on' }, clock);
    const a = new Target('a');
    a.down = true;
    for (let i = 0; i < 5; i++) expect(p.send(a, `{"op":"stream_chunk","n":${i}}`)).toBe(false);
    expect(p.breaker!.state).toBe('OPEN');
    expect(changes).toEqual([['CLOSED', 'OPEN']]);
    a.down = false;
    expect(p.send(a, RESULT('r1'))).toBe(false);
    expect(p.send(a, PROGRESS)).toBe(false);
    expect(a.sent).toEqual([]);
    expect(p.figures()).toMatchObject({ queued: 1, queueDepth: 1, dropped: 6, breaker: 'OPEN' });
    clock.t += 60_000;
    expect(p.send(a, RESULT('r2'))).toBe(true);
    expect(a.sent).toEqual([RESULT('r1'), RESULT('r2')]);
    expect(p.breaker!.state).toBe('CLOSED');
    expect(changes).toEqual([['CLOSED', 'OPEN'], ['OPEN', 'HALF_OPEN'], ['HALF_OPEN', 'CLOSED']]);
    expect(p.figures()).toMatchObject({ retried: 1, queueDepth: 0 });
  });

  it('breaker off: failures never stop later sends', () => {
    const { p } = path({ EXAI_SEND_DEDUP: 'on' });
    const a = new Target('a');
    a.down = true;
    for (let i = 0; i < 20; i++) p.send(a, `{"op":"x","n":${i}}`);
    a.down = false;
    expect(p.send(a, '{"op":"x","n":"last"}')).toBe(true);
    expect(p.breaker).toBeNull();
  });

  it('retry on: a failed critical frame is re-sent with backoff once the connection takes it', async () => {
    const { p } = path({ EXAI_SEND_RETRY: 'on', EXAI_SEND_RETRY_BASE_MS: '10', EXAI_SEND_RETRY_MAX: '5' });
    const a = new Target('a');
    p.attach(a);
    a.failNext = 3;
    expect(p.send(a, RESULT('r1'))).toBe(false);
    await until(() => a.sent.length === 1);
    expect(a.sent).toEqual([RESULT('r1')]);
    expect(p.figures()).toMatchObject({ queued: 1, retried: 1, dropped: 0, queueDepth: 0 });
  });

  it('retry on: gives up after the set attempts, and drops what is older than the TTL', async () => {
    const { p } = path({ EXAI_SEND_RETRY: 'on', EXAI_SEND_RETRY_BASE_MS: '5', EXAI_SEND_RETRY_MAX_MS: '10', EXAI_SEND_RETRY_MAX: '2' });
    const a = new Target('a');
    p.attach(a);
    a.down = true;
    p.send(a, RESULT('r1'));
    await until(() => p.stats.dropped === 1);
    expect(p.queueDepth).toBe(0);

    const { p: q } = path({ EXAI_SEND_RETRY: 'on', EXAI_SEND_RETRY_BASE_MS: '5', EXAI_SEND_QUEUE_TTL_SECS: '0.05' });
    const gone = new Target('gone');
    gone.down = true;
    q.send(gone, RESULT('r2')); // never attached: nobody to retry to, so it waits, then expires
    await until(() => q.stats.expired === 1);
    expect(gone.sent).toEqual([]);
  });

  it('retry off: a failed critical frame waits for the next frame that gets through to its session', () => {
    const { p } = path({ EXAI_SEND_BREAKER: 'on' });
    const a = new Target('a');
    a.failNext = 1;
    p.send(a, RESULT('r1'));
    expect(a.sent).toEqual([]);
    p.send(a, RESULT('r2'));
    expect(a.sent).toEqual([RESULT('r1'), RESULT('r2')]);
  });

  it('a full queue drops its oldest frame', () => {
    // (each flush attempt before a send is a send too: a high threshold keeps the breaker out of this)
    const { p } = path({ EXAI_SEND_BREAKER: 'on', EXAI_SEND_CB_FAILURE_THRESHOLD: '100', EXAI_SEND_QUEUE_MAX: '2' });
    const a = new Target('a');
    a.down = true;
    for (let i = 0; i < 4; i++) p.send(a, RESULT(`r${i}`));
    expect(p.figures()).toMatchObject({ queued: 4, dropped: 2, queueDepth: 2 });
    a.down = false;
    p.send(a, RESULT('r9'));
    expect(a.sent).toEqual([RESULT('r2'), RESULT('r3'), RESULT('r9')]);
  });
});
