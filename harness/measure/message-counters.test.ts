import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowStats } from '../driver/messages.ts';
import { exactnessRound, summarizeExactness, unservedExactness } from '../run/exactness.ts';
import { jsonCounters, prometheusCounters, type MessageCounters } from './message-counters.ts';
import { parsePrometheusText, sumSamples } from './prometheus-text.ts';

/**
 * Exactness from any daemon's own counters: the fixtures are a daemon's metrics before and after
 * a window, served over HTTP as a daemon would serve them.
 */
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

let phase: 'before' | 'after' = 'before';
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const file = req.url === '/metrics' ? `counters-${phase}.prom` : req.url === '/stats.json' ? `counters-${phase}.json` : null;
    if (!file) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(fixture(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

/** A driver window that sent `sent` and received `received` frames. */
const window = (sent: number, received: number) => ({ framesSent: sent, framesReceived: received }) as WindowStats;

/** Read before, switch the served metrics, read after: one measured window's comparison. */
async function round(c: MessageCounters, driver: WindowStats, n = 1) {
  phase = 'before';
  const before = await c.read();
  phase = 'after';
  const after = await c.read();
  phase = 'before';
  return exactnessRound(n, driver, before, after);
}

describe('Prometheus text', () => {
  it('reads samples, labels with escapes, timestamps; sums the series that carry the given labels', () => {
    const samples = parsePrometheusText(fixture('counters-before.prom'));
    expect(sumSamples(samples, 'exai_ws_messages_total', { direction: 'received' })).toBe(1200);
    expect(sumSamples(samples, 'exai_ws_messages_total', { direction: 'sent' })).toBe(2407);
    expect(sumSamples(samples, 'exai_ws_messages_total', { direction: 'sent', transport: 'ws' })).toBe(2400);
    expect(sumSamples(samples, 'exai_conn_frames_total', { dir: 'in' })).toBe(15);
    expect(sumSamples(samples, 'process_cpu_seconds_total')).toBe(3.25);
    expect(sumSamples(samples, 'exai_ws_messages_total', { direction: 'lost' })).toBeNull();
    expect(samples.find((s) => s.name === 'label_escapes')?.labels).toEqual({ path: 'C:\\dir"x"', note: 'line\nbreak' });
    expect(() => parsePrometheusText('ok 1\n{bad} 2')).toThrow(/line 2: not a sample/);
  });
});

describe('exactness from any endpoint, per window', () => {
  const prom = () =>
    prometheusCounters({
      url: `${base}/metrics`,
      received: { metric: 'exai_ws_messages_total', labels: { direction: 'received', transport: 'ws' } },
      sent: { metric: 'exai_ws_messages_total', labels: { direction: 'sent', transport: 'ws' } },
    });

  it('Prometheus: the counters\' change over the window equals the driver\'s frames', async () => {
    const c = prom();
    expect(await c.applies()).toBeNull();
    const r = await round(c, window(150, 302));
    expect(r).toEqual({ round: 1, driverSent: 150, driverReceived: 302, daemonReceived: 150, daemonSent: 302 });
    expect(summarizeExactness([r])).toMatchObject({ ok: true, expected: 452, recorded: 452 });
  });

  it('Prometheus, a counter split by connection: summed over the series', async () => {
    const c = prometheusCounters({
      url: `${base}/metrics`,
      received: { metric: 'exai_conn_frames_total', labels: { dir: 'in' } },
      sent: { metric: 'exai_conn_frames_total', labels: { dir: 'out' } },
    });
    expect(await round(c, window(150, 300))).toMatchObject({ daemonReceived: 150, daemonSent: 300 });
  });

  it('JSON: numbers (or numeric strings) at two paths', async () => {
    const c = jsonCounters({ url: `${base}/stats.json`, received: 'ws.messages.in', sent: '$.ws.messages.out' });
    expect(await c.applies()).toBeNull();
    const r = await round(c, window(150, 302));
    expect(summarizeExactness([r])?.ok).toBe(true);
  });

  it('a miscount in one window fails the check even when another window makes up for it in total', async () => {
    const c = prom();
    const short = await round(c, window(151, 302), 1); // the daemon missed one received frame
    const over = await round(c, window(149, 302), 2); // ...and counted one too many here
    const summary = summarizeExactness([short, over]);
    expect(summary?.expected).toBe(summary?.recorded);
    expect(summary?.ok).toBe(false);
    expect(summary?.detail).toMatch(/round 1: driver sent 151 \/ received 302, daemon counted received 150 \/ sent 302/);
  });

  it('counters a target does not serve say why; a scenario whose counters no variant serves is refused', async () => {
    const missing = prometheusCounters({ url: `${base}/metrics`, received: { metric: 'nope_total' }, sent: { metric: 'exai_ws_messages_total' } });
    expect(await missing.applies()).toMatch(/serves no nope_total/);
    const notFound = jsonCounters({ url: `${base}/absent.json`, received: 'a', sent: 'b' });
    expect(await notFound.applies()).toMatch(/HTTP 404/);
    const notNumber = jsonCounters({ url: `${base}/stats.json`, received: 'by_tool', sent: 'uptime' });
    expect(await notNumber.applies()).toMatch(/by_tool is \[.*\], not a number/);

    // a baseline without metrics is fine as long as one variant serves them
    expect(await unservedExactness({ baseline: { counters: notFound }, instrumented: { counters: prom() } })).toBeNull();
    expect(await unservedExactness({ baseline: { counters: notFound }, instrumented: { counters: missing } })).toMatch(
      /^exactness: no variant serves .*absent\.json.*: baseline: GET .* HTTP 404; instrumented: .*serves no nope_total/,
    );
  });
});
