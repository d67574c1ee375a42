/** The provider fake over plain HTTP: routing, control, stats, faults by seed, config errors, lifecycle. */
import { Agent, request } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../common/running.ts';
import { ProviderConfigError, startProviderFake, type ProviderFakeOptions, type ProviderStats } from './server.ts';

const started: RunningServer[] = [];
async function start(opts: ProviderFakeOptions = {}): Promise<RunningServer> {
  const s = await startProviderFake(opts);
  started.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

const BODY = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });

async function chat(s: RunningServer, body: string = BODY, path = '/v1/chat/completions', init: RequestInit = {}): Promise<Response> {
  return fetch(s.url + path, { method: 'POST', body, headers: { 'content-type': 'application/json' }, ...init });
}
async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
async function stats(s: RunningServer): Promise<ProviderStats> {
  return json<ProviderStats>(await fetch(s.url + '/__stats'));
}
async function control(s: RunningServer, body: string): Promise<Response> {
  return fetch(s.url + '/__control', { method: 'POST', body });
}
type ErrorBody = { error: { message: string; type: string; code: string | null; param: string | null } };

describe('routing', () => {
  it('serves the three chat paths and counts them', async () => {
    const s = await start();
    for (const p of ['/v1/chat/completions', '/api/paas/v4/chat/completions', '/chat/completions']) {
      const res = await chat(s, BODY, p + '?api-version=1');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    }
    const st = await stats(s);
    expect(st.requests).toBe(3);
    expect(st.byOutcome.ok).toBe(3);
    expect(st.byPath).toEqual({ '/v1/chat/completions': 1, '/api/paas/v4/chat/completions': 1, '/chat/completions': 1 });
  });

  it('404 on other paths, 405 on GET of a chat path, OpenAI-shaped', async () => {
    const s = await start();
    const nf = await chat(s, BODY, '/v2/chat/completions');
    expect(nf.status).toBe(404);
    expect((await json<ErrorBody>(nf)).error.type).toBe('invalid_request_error');
    const get = await fetch(s.url + '/v1/chat/completions');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it.each([
    ['not json', /could not parse the JSON/, null],
    ['[1]', /JSON object/, null],
    [JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }), /model/, 'model'],
    [JSON.stringify({ model: 'm', messages: 'hi' }), /non-empty array/, 'messages'],
    [JSON.stringify({ model: 'm', messages: [{ content: 'x' }] }), /messages\[0\]\.role/, 'messages[0].role'],
    [JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }), /stream/, 'stream'],
    [JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }), /max_tokens/, 'max_tokens'],
  ])('400 for %s', async (body, why, param) => {
    const s = await start();
    const res = await chat(s, body);
    expect(res.status).toBe(400);
    const e = (await json<ErrorBody>(res)).error;
    expect(e.message).toMatch(why);
    expect(e.param).toBe(param);
    expect(e.type).toBe('invalid_request_error');
  });

  it('accepts multi-part content arrays', async () => {
    const s = await start();
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'parts work' }] }] });
    const r = await json<{ choices: { message: { content: string } }[] }>(await chat(s, body));
    expect(r.choices[0].message.content).toContain('parts work');
  });

  it('keeps connections alive between requests', async () => {
    const s = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    try {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = request(s.url + '/v1/chat/completions', { method: 'POST', agent }, (res) => {
            sockets.add(res.socket);
            expect(res.headers.connection).toBe('keep-alive');
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', reject);
          req.end(BODY);
        });
      }
    } finally {
      agent.destroy();
    }
    expect(sockets.size).toBe(1);
  });
});

describe('/__control', () => {
  it('GET shows the behaviour, POST changes only the keys given', async () => {
    const s = await start({ latency: 'constant:v=1ms', faults: { rate500: 0.1 } });
    const before = await json(await fetch(s.url + '/__control'));
    expect(before).toMatchObject({ latency: 'constant:v=1ms', ttft: null, faults: { rate500: 0.1, rate429: 0 } });
    const res = await control(s, JSON.stringify({ ttft: 'uniform:min=1ms,max=2ms', faults: { rate429: 0.2 } }));
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      latency: 'constant:v=1ms',
      ttft: 'uniform:min=1ms,max=2ms',
      faults: { rate500: 0.1, rate429: 0.2 },
    });
    expect(await json(await control(s, JSON.stringify({ latency: null })))).toMatchObject({ latency: null });
  });

  it.each([
    ['{', /body: not valid JSON/],
    ['[]', /body: /],
    [JSON.stringify({ latency: 'gamma:k=1ms' }), /latency: latency spec "gamma:k=1ms": unknown distribution/],
    [JSON.stringify({ tokenDelay: 'constant:v=5' }), /tokenDelay: .*no unit/],
    [JSON.stringify({ speed: 2 }), /unrecognized key.*speed/i],
    [JSON.stringify({ faults: { rate429: 1.5 } }), /faults\.rate429/],
    [JSON.stringify({ faults: { rate429: 0.6, rate500: 0.6 } }), /fault rates add up to 1\.2/],
    [JSON.stringify({ faults: { rateTimeout: 0.1 } }), /faults.*rateTimeout/],
    [JSON.stringify({ latency: 5 }), /latency/],
  ])('400 for %s, behaviour unchanged', async (body, why) => {
    const s = await start({ latency: 'constant:v=0ms' });
    const res = await control(s, body);
    expect(res.status).toBe(400);
    expect((await json<ErrorBody>(res)).error.message).toMatch(why);
    expect(await json(await fetch(s.url + '/__control'))).toMatchObject({ latency: 'constant:v=0ms', faults: { rate429: 0, rate500: 0 } });
  });
});

describe('faults', () => {
  async function outcomes(seed: number, n: number): Promise<number[]> {
    const s = await start({ seed, faults: { rate429: 0.2, rate500: 0.1, rate503: 0.1, rateMalformed: 0.1 } });
    const codes: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await chat(s);
      const text = await res.text();
      // A malformed 200 is told apart from a good one by its body.
      codes.push(res.status === 200 && !text.endsWith('}') ? -1 : res.status);
    }
    return codes;
  }

  it('occur at the configured rates, reproducibly by seed', async () => {
    const a = await outcomes(11, 400);
    expect(await outcomes(11, 80)).toEqual(a.slice(0, 80));
    expect(await outcomes(12, 80)).not.toEqual(a.slice(0, 80));
    const share = (code: number): number => a.filter((c) => c === code).length / a.length;
    expect(share(429)).toBeGreaterThan(0.14);
    expect(share(429)).toBeLessThan(0.26);
    for (const code of [500, 503, -1]) {
      expect(share(code)).toBeGreaterThan(0.05);
      expect(share(code)).toBeLessThan(0.15);
    }
    expect(share(200)).toBeGreaterThan(0.42);
    expect(share(200)).toBeLessThan(0.58);
  });

  it('are drawn per request, by its last user message: two fakes of one seed treat the same request alike in any order', async () => {
    // Two variants, each with its own world, send the same requests in different orders (and with
    // histories that differ by what their stores had written): each request meets the same fate.
    const faults = { rate429: 0.3, rate500: 0.2 };
    const a = await start({ seed: 5, faults });
    const b = await start({ seed: 5, faults });
    const prompts = Array.from({ length: 60 }, (_, i) => `question #${i}`);
    const body = (prompt: string, history: string[] = []) =>
      JSON.stringify({ model: 'm', messages: [...history.map((content) => ({ role: 'user', content })), { role: 'user', content: prompt }] });
    const fate = async (s: RunningServer, order: string[], history: string[]) => {
      const out = new Map<string, number>();
      for (const p of order) out.set(p, (await chat(s, body(p, history))).status);
      return out;
    };
    const fa = await fate(a, prompts, []);
    const fb = await fate(b, [...prompts].reverse(), ['an earlier turn']);
    expect([...fb].filter(([p, status]) => fa.get(p) !== status)).toEqual([]);
    // and the draws do vary from request to request
    expect(new Set(fa.values()).size).toBe(3);
  });

  it('a hanging request is released when the server closes, and close() does not wait for it', async () => {
    const s = await startProviderFake({ faults: { rateHang: 1 } });
    const pending = chat(s).then(
      () => 'answered',
      () => 'failed',
    );
    for (let i = 0; i < 50 && (await stats(s)).hanging === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await stats(s)).hanging).toBe(1);
    const t0 = performance.now();
    await s.close();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await pending).toBe('failed');
  });

  it('an aborted delayed request is counted and leaves no timer behind', async () => {
    const s = await start({ latency: 'constant:v=10s' });
    const ac = new AbortController();
    const p = chat(s, BODY, '/v1/chat/completions', { signal: ac.signal }).catch(() => 'aborted');
    for (let i = 0; i < 50 && (await stats(s)).inFlight === 0; i++) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    expect(await p).toBe('aborted');
    let st = await stats(s);
    for (let i = 0; i < 50 && st.inFlight > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      st = await stats(s);
    }
    expect(st.inFlight).toBe(0);
    expect(st.aborted).toBe(1);
  });
});

describe('latency', () => {
  it('delays JSON answers by the latency model', async () => {
    const s = await start({ latency: 'constant:v=60ms' });
    await chat(s);
    const t0 = performance.now();
    await (await chat(s)).text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(58);
  });

  it('a stream without ttft waits the latency model before its first token', async () => {
    const s = await start({ latency: 'constant:v=80ms' });
    const t0 = performance.now();
    const res = await chat(s, JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(78);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('ttft applies to streams only; JSON answers use latency', async () => {
    const s = await start({ ttft: 'constant:v=2s' });
    const t0 = performance.now();
    expect((await chat(s)).status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});

describe('start options', () => {
  afterEach(() => undefined);
  it.each([
    [{ latency: 'lognormal:median=5ms,p99=1ms' }, /^latency: latency spec "lognormal:median=5ms,p99=1ms": p99/],
    [{ ttft: 'constant:v=1' }, /^ttft: .*no unit/],
    [{ tokenDelay: 'nope' }, /^tokenDelay: /],
    [{ faults: { rateHang: -0.1 } }, /^faults\.rateHang: /],
    [{ faults: { rate500: 0.7, rate503: 0.7 } }, /^faults: fault rates add up to 1\.4/],
    [{ faults: { retryAfterSec: 1.5 } }, /^faults\.retryAfterSec: /],
    [{ replyWords: 0 }, /^replyWords: /],
    [{ port: 70000 }, /^port: /],
  ] as [ProviderFakeOptions, RegExp][])('rejects %j naming the option', async (opts, why) => {
    const err = await startProviderFake(opts).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderConfigError);
    expect((err as Error).message).toMatch(why);
  });

  it('a port in use is a ProviderConfigError naming it', async () => {
    const s = await start();
    const err = await startProviderFake({ port: s.port }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderConfigError);
    expect((err as Error).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${s.port} \\(EADDRINUSE\\)`));
  });

  it('close() is idempotent', async () => {
    const s = await startProviderFake();
    await Promise.all([s.close(), s.close()]);
    await s.close();
    await expect(fetch(s.url + '/__stats')).rejects.toThrow();
  });
});
