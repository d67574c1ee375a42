import { describe, expect, it } from 'vitest';
import { completionBody } from './bodies.ts';
import { createPreparer } from './prepared.ts';

const body = (content: string, extra: object = {}) => JSON.stringify({ model: 'm', messages: [{ role: 'user', content }], ...extra });

describe('createPreparer', () => {
  it('returns the same prepared answer for the same text, a different one for another', () => {
    const prepare = createPreparer(8);
    const a = prepare(body('a'));
    const again = prepare(body('a'));
    const b = prepare(body('b'));
    if (!a.ok || !again.ok || !b.ok) throw new Error('expected ok');
    expect(again.value).toBe(a.value);
    expect(b.value.reply.content).not.toBe(a.value.reply.content);
    expect(a.value.reply.pieces).toHaveLength(8);
  });

  it('does not cache errors', () => {
    const prepare = createPreparer(8);
    const bad = prepare('{"model":"m"}');
    expect(bad).toMatchObject({ ok: false, param: 'messages' });
    expect(prepare('{"model":"m"}')).not.toBe(bad);
  });

  it('keeps working past its size bound', () => {
    const prepare = createPreparer(4);
    for (let i = 0; i < 1500; i++) expect(prepare(body(`prompt ${i}`)).ok).toBe(true);
    const r = prepare(body('prompt 3'));
    expect(r.ok && r.value.reply.content).toContain('prompt 3');
  });

  it('the tail makes a valid completion with OpenAI key order', () => {
    const r = createPreparer(5)(body('x "quoted" \\ text', { max_tokens: 2 }));
    if (!r.ok) throw new Error('expected ok');
    const text = completionBody({ id: 'chatcmpl-1', created: 7, model: 'm"odel' }, r.value.tail);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['id', 'object', 'created', 'model', 'choices', 'usage', 'system_fingerprint']);
    expect(parsed).toMatchObject({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 7,
      model: 'm"odel',
      choices: [{ index: 0, message: { role: 'assistant', content: r.value.reply.content }, finish_reason: 'length' }],
      usage: { completion_tokens: 2 },
    });
  });
});
