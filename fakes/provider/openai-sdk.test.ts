/** Conformance of the provider fake with the real `openai` SDK (what the daemon uses). */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../common/running.ts';
import { startProviderFake, type ProviderStats } from './server.ts';

const KEY = 'sk-test-overbench-0001';
const MESSAGES = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'What is the capital of France?' },
];

let fake: RunningServer;

function client(opts: { baseURL?: string; apiKey?: string; timeout?: number } = {}): OpenAI {
  return new OpenAI({
    baseURL: opts.baseURL ?? fake.url + '/v1',
    apiKey: opts.apiKey ?? KEY,
    maxRetries: 0,
    timeout: opts.timeout ?? 10_000,
    logLevel: 'off',
  });
}

async function control(server: RunningServer, body: unknown): Promise<Response> {
  return fetch(server.url + '/__control', { method: 'POST', body: JSON.stringify(body) });
}

async function stats(server: RunningServer): Promise<ProviderStats> {
  return (await (await fetch(server.url + '/__stats')).json()) as ProviderStats;
}

/** Run `fn` with the given faults switched on, and off again afterwards. */
async function withFaults<T>(faults: Record<string, number>, fn: () => Promise<T>): Promise<T> {
  expect((await control(fake, { faults })).status).toBe(200);
  try {
    return await fn();
  } finally {
    await control(fake, { faults: { rate429: 0, rate500: 0, rate503: 0, rateHang: 0, rateMalformed: 0 } });
  }
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  fake = await startProviderFake({ apiKey: KEY, seed: 7 });
});
afterAll(async () => {
  await fake?.close();
});

describe('provider fake with the openai SDK', () => {
  it('answers a JSON completion shaped like OpenAI', async () => {
    const r = await client().chat.completions.create({ model: 'kimi-k2', messages: MESSAGES });
    expect(r.id).toMatch(/^chatcmpl-/);
    expect(r.object).toBe('chat.completion');
    expect(r.model).toBe('kimi-k2');
    expect(Math.abs(r.created - Date.now() / 1000)).toBeLessThan(60);
    expect(r.choices).toHaveLength(1);
    expect(r.choices[0].message.role).toBe('assistant');
    expect(r.choices[0].message.content).toContain('What is the capital');
    expect(r.choices[0].finish_reason).toBe('stop');
    expect(r.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(r.usage!.completion_tokens).toBeGreaterThan(0);
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
  });

  it('answers the same prompt the same way and another prompt differently', async () => {
    const c = client();
    const a = await c.chat.completions.create({ model: 'm', messages: MESSAGES });
    const b = await c.chat.completions.create({ model: 'm', messages: MESSAGES });
    const other = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'What is the capital of Spain?' }] });
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
    expect(other.choices[0].message.content).not.toBe(a.choices[0].message.content);
    expect(a.id).not.toBe(b.id);
  });

  it('max_tokens truncates with finish_reason length', async () => {
    const r = await client().chat.completions.create({ model: 'm', messages: MESSAGES, max_tokens: 3 });
    expect(r.choices[0].finish_reason).toBe('length');
    expect(r.usage!.completion_tokens).toBe(3);
    expect(r.choices[0].message.content!.split(' ')).toHaveLength(3);
  });

  it('streams chunks whose joined text equals the JSON answer', async () => {
    const c = client();
    const whole = await c.chat.completions.create({ model: 'glm-4.6', messages: MESSAGES });
    const stream = await c.chat.completions.create({ model: 'glm-4.6', messages: MESSAGES, stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks[0].object).toBe('chat.completion.chunk');
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole.choices[0].message.content);
  });

  it('streams usage last when stream_options.include_usage is set', async () => {
    const stream = await client().chat.completions.create({
      model: 'm',
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    const contentChunks = chunks.filter((c) => c.choices[0]?.delta.content).length;
    expect(last.usage!.completion_tokens).toBe(contentChunks);
  });

  it('429 is the SDK RateLimitError with Retry-After visible', async () => {
    await control(fake, { faults: { retryAfterSec: 3 } });
    const err = await withFaults({ rate429: 1 }, () => caught(client().chat.completions.create({ model: 'm', messages: MESSAGES })));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.headers.get('retry-after')).toBe('3');
    expect(e.code).toBe('rate_limit_exceeded');
    await control(fake, { faults: { retryAfterSec: 1 } });
  });

  it('a wrong key is AuthenticationError with code invalid_api_key', async () => {
    const err = await caught(client({ apiKey: 'sk-wrong-key-123456' }).chat.completions.create({ model: 'm', messages: MESSAGES }));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const e = err as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(e.status).toBe(401);
    expect(e.code).toBe('invalid_api_key');
    expect(e.type).toBe('invalid_request_error');
    expect(e.message).not.toContain('sk-wrong-key-123456');
  });

  it('no key at all is 401 too', async () => {
    const res = await fetch(fake.url + '/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: MESSAGES }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
  });

  it('no messages or empty messages is BadRequestError', async () => {
    const c = client();
    const missing = await caught(c.chat.completions.create({ model: 'm' } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming));
    expect(missing).toBeInstanceOf(OpenAI.BadRequestError);
    expect((missing as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
    const empty = await caught(c.chat.completions.create({ model: 'm', messages: [] }));
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it.each([
    [500, { rate500: 1 }],
    [503, { rate503: 1 }],
  ])('%d is the SDK InternalServerError with that status', async (status, faults) => {
    const err = await withFaults(faults, () => caught(client().chat.completions.create({ model: 'm', messages: MESSAGES })));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
  });

  it('a hang ends in the client timeout, and the fake lets go when the client does', async () => {
    const err = await withFaults({ rateHang: 1 }, () =>
      caught(client({ timeout: 300 }).chat.completions.create({ model: 'm', messages: MESSAGES })),
    );
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    let s = await stats(fake);
    for (let i = 0; i < 50 && s.hanging > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      s = await stats(fake);
    }
    expect(s.byOutcome.hang).toBeGreaterThanOrEqual(1);
    expect(s.hanging).toBe(0);
  });

  it('a malformed body is an SDK error, JSON and streamed', async () => {
    await withFaults({ rateMalformed: 1 }, async () => {
      const json = await caught(client().chat.completions.create({ model: 'm', messages: MESSAGES }));
      expect(json).toBeInstanceOf(Error);
      expect(String(json)).toMatch(/JSON/);
      const streamed = await caught(
        (async () => {
          const s = await client().chat.completions.create({ model: 'm', messages: MESSAGES, stream: true });
          for await (const _ of s) void _;
        })(),
      );
      expect(String(streamed)).toMatch(/JSON/);
    });
  });

  it('/__control changes the latency at run time', async () => {
    const c = client();
    const timed = async (): Promise<number> => {
      const t0 = performance.now();
      await c.chat.completions.create({ model: 'm', messages: MESSAGES });
      return performance.now() - t0;
    };
    await timed();
    const fast = await timed();
    const res = await control(fake, { latency: 'constant:v=150ms' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { latency: string }).latency).toBe('constant:v=150ms');
    try {
      const slow = await timed();
      expect(slow).toBeGreaterThanOrEqual(145);
      expect(slow).toBeGreaterThan(fast + 100);
    } finally {
      await control(fake, { latency: null });
    }
  });

  it('GLM path /api/paas/v4 works as baseURL', async () => {
    const before = await stats(fake);
    const r = await client({ baseURL: fake.url + '/api/paas/v4' }).chat.completions.create({ model: 'glm-4.6', messages: MESSAGES });
    expect(r.choices[0].message.content).toContain('Answer');
    const after = await stats(fake);
    expect(after.byPath['/api/paas/v4/chat/completions']).toBe((before.byPath['/api/paas/v4/chat/completions'] ?? 0) + 1);
  });

  it('bare /chat/completions works as baseURL', async () => {
    const r = await client({ baseURL: fake.url }).chat.completions.create({ model: 'm', messages: MESSAGES });
    expect(r.object).toBe('chat.completion');
  });
});

describe('provider fake streaming delays', () => {
  let slow: RunningServer;
  beforeAll(async () => {
    slow = await startProviderFake({ ttft: 'constant:v=120ms', tokenDelay: 'constant:v=15ms', replyWords: 6 });
  });
  afterAll(async () => {
    await slow?.close();
  });

  it('waits ttft before the first token and tokenDelay between tokens', async () => {
    const c = new OpenAI({ baseURL: slow.url + '/v1', apiKey: 'unused', maxRetries: 0 });
    const t0 = performance.now();
    const stream = await c.chat.completions.create({ model: 'm', messages: MESSAGES, stream: true });
    const contentAt: number[] = [];
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) contentAt.push(performance.now() - t0);
    }
    expect(contentAt).toHaveLength(6);
    expect(contentAt[0]).toBeGreaterThanOrEqual(115);
    // 5 gaps of >= 15 ms each (timers never fire early; allow 1 ms of rounding per gap).
    expect(contentAt[5] - contentAt[0]).toBeGreaterThanOrEqual(5 * 14);
  });
});
