import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor, isSecretName, redactEnv, redactUrlCredentials } from './redact.ts';

describe('secret names', () => {
  it('TOKEN, KEY, SECRET, PASSWORD anywhere in the name, any case', () => {
    for (const n of ['EXAI_WS_TOKEN', 'GLM_API_KEY', 'client_secret', 'DB_PASSWORD', 'SUPABASE_KEY', 'apiKey']) expect(isSecretName(n)).toBe(true);
    for (const n of ['METRICS_BACKEND', 'EXAI_WS_PORT', 'REDIS_URL', 'PATH']) expect(isSecretName(n)).toBe(false);
  });
});

describe('URL credentials', () => {
  it('user and password, or a bare token, before the host are removed; the rest stays', () => {
    expect(redactUrlCredentials('redis://:pw123@127.0.0.1:6379/0')).toBe(`redis://${REDACTED}@127.0.0.1:6379/0`);
    expect(redactUrlCredentials('see https://bob:s3cret@api.example.com/v1 now')).toBe(`see https://${REDACTED}@api.example.com/v1 now`);
    expect(redactUrlCredentials('ws://127.0.0.1:8079 and http://h/x@y')).toBe('ws://127.0.0.1:8079 and http://h/x@y');
  });
});

describe('Redactor', () => {
  it('removes known values from any text, longest first, and leaves short values to the name rule', () => {
    const r = new Redactor().addEnv({ EXAI_WS_TOKEN: 'tok-abcdef', LONGER_TOKEN: 'tok-abcdef-123', PIN_KEY: 'ab', PORT: '8079' });
    expect(r.text('hello tok-abcdef-123 and tok-abcdef')).toBe(`hello ${REDACTED} and ${REDACTED}`);
    expect(r.text('port 8079, pin ab')).toBe('port 8079, pin ab');
    expect(r.size).toBe(2);
  });

  it('learns a URL password from a variable of any name', () => {
    const r = new Redactor().addEnv({ UPSTREAM: 'postgres://app:hunter2-pw@db:5432/x' });
    expect(r.text('auth failed for hunter2-pw')).toBe(`auth failed for ${REDACTED}`);
  });

  it('data: secret-named keys lose their value whole, every other string is scanned, the shape is kept', () => {
    const r = new Redactor().addValue('s3cr3t-value');
    const out = r.data({
      env: { GLM_API_KEY: 'short', METRICS_BACKEND: 'fast', EMPTY_TOKEN: '' },
      target: 'spawn:node s.js --token s3cr3t-value',
      rounds: [{ p50: 12, note: null, url: 'url:ws://u:p@h:1' }],
    });
    expect(out).toEqual({
      env: { GLM_API_KEY: REDACTED, METRICS_BACKEND: 'fast', EMPTY_TOKEN: '' },
      target: `spawn:node s.js --token ${REDACTED}`,
      rounds: [{ p50: 12, note: null, url: `url:ws://${REDACTED}@h:1` }],
    });
  });

  it('redactEnv is a copy', () => {
    const env = { A_TOKEN: 'xyz', B: 'c' };
    expect(redactEnv(env)).toEqual({ A_TOKEN: REDACTED, B: 'c' });
    expect(env.A_TOKEN).toBe('xyz');
  });
});
