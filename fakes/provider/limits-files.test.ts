/**
 * The provider fake's requests/tokens-per-minute limits and its /files endpoint, through the real
 * `openai` SDK (what the daemon uses), plus the bucket arithmetic on a clock the test moves.
 */
import OpenAI, { APIError, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../common/running.ts';
import { RateLimits } from './limits.ts';
import { startProviderFake, type ProviderStats } from './server.ts';

let fake: RunningServer;
const sdk = (prefix = '/v1') => new OpenAI({ baseURL: fake.url + prefix, apiKey: 'k', maxRetries: 0, timeout: 10_000, logLevel: 'off' });
const control = (body: unknown) => fetch(fake.url + '/__control', { method: 'POST', body: JSON.stringify(body) });
const stats = async () => (await (await fetch(fake.url + '/__stats')).json()) as ProviderStats;
const ask = (prefix?: string) => sdk(prefix).chat.completions.create({ model: 'glm-4.5-flash', messages: [{ role: 'user', content: 'hi' }] });

beforeAll(async () => {
  fake = await startProviderFake({ seed: 5 });
});
afterAll(async () => fake?.close());

describe('rate limits (rpm, tpm)', () => {
  it('rpm: past the minute\'s requests the answer is 429 with Retry-After, counted apart', async () => {
    expect((await control({ limits: { rpm: 2, tpm: null } })).status).toBe(200);
    try {
      await ask();
      await ask('/api/paas/v4');
      const err = await ask().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(APIError);
      expect((err as APIError).status).toBe(429);
      // 1 request of 2/min comes back in 30 s
      expect((err as APIError).headers?.get('retry-after')).toBe('30');
      expect((err as APIError).message).toContain('requests per minute (RPM)');
      expect((await stats()).limited.rpm).toBe(1);
    } finally {
      await control({ limits: { rpm: null } });
    }
    await ask();
  });

  it('tpm: a request whose prompt and reply tokens do not fit is refused', async () => {
    const one = await ask();
    const tokens = one.usage!.total_tokens;
    expect((await control({ limits: { tpm: tokens * 2 } })).status).toBe(200);
    try {
      await ask();
      await ask();
      const err = await ask().then(() => null, (e: unknown) => e);
      expect((err as APIError).status).toBe(429);
      expect((err as APIError).message).toContain('tokens per minute (TPM)');
      expect(Number((err as APIError).headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await control({ limits: { tpm: null } });
    }
  });

  it('rejects a bad limit naming it', async () => {
    const res = await control({ limits: { rpm: 0 } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('limits.rpm');
    await expect(startProviderFake({ limits: { tpm: -1 } })).rejects.toThrow('limits.tpm');
  });

  it('the buckets refill continuously over the minute', () => {
    let t = 0;
    const l = new RateLimits(() => t);
    l.configure({ rpm: 60, tpm: 600 });
    for (let i = 0; i < 60; i++) expect(l.admit(1).ok).toBe(true);
    expect(l.admit(1)).toEqual({ ok: false, limit: 'rpm', retryAfterSec: 1 });
    t += 1000;
    expect(l.admit(1).ok).toBe(true);
    t += 60_000;
    expect(l.admit(600).ok).toBe(true);
    expect(l.admit(100)).toEqual({ ok: false, limit: 'tpm', retryAfterSec: 10 });
  });
});

describe('/files', () => {
  it('takes a multipart upload from the openai SDK on both prefixes and serves its file object', async () => {
    const before = (await stats()).files;
    const kimi = await sdk('/v1').files.create({ file: await toFile(Buffer.from('hello file'), 'notes.txt'), purpose: 'file-extract' as never });
    expect(kimi).toMatchObject({ object: 'file', bytes: 10, filename: 'notes.txt', purpose: 'file-extract', status: 'processed' });
    expect(kimi.id).toMatch(/^file-/);
    expect(await sdk('/v1').files.retrieve(kimi.id)).toEqual(kimi);
    const glm = await sdk('/api/paas/v4').files.create({ file: await toFile(Buffer.alloc(2048, 1), 'b.bin'), purpose: 'assistants' });
    expect(glm.bytes).toBe(2048);
    expect((await stats()).files).toBe(before + 2);
    const missing = await sdk().files.retrieve('file-nope').then(() => null, (e: unknown) => e);
    expect((missing as APIError).status).toBe(404);
  });

  it('a body that is not multipart is a 400 saying what is expected', async () => {
    const res = await fetch(fake.url + '/v1/files', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('multipart/form-data');
  });
});
