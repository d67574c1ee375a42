import { describe, expect, it } from 'vitest';
import { buildReply, contentText } from './reply.ts';

const user = (content: unknown) => ({ role: 'user', content });

describe('buildReply', () => {
  it('is deterministic and tells prompts apart', () => {
    const a = buildReply([user('cache me if you can')], 24);
    expect(buildReply([user('cache me if you can')], 24)).toEqual(a);
    expect(buildReply([user('cache me if you can!')], 24).content).not.toBe(a.content);
    // The whole conversation counts, not only the last message.
    expect(buildReply([{ role: 'system', content: 'be brief' }, user('cache me if you can')], 24).content).not.toBe(a.content);
  });

  it('starts with a hash and echoes the first six words of the last user message', () => {
    const r = buildReply([user('one'), { role: 'assistant', content: 'x' }, user('a b c d e f g h')], 24);
    expect(r.content).toMatch(/^Answer [0-9a-f]{8}: a b c d e f (?!g)/);
  });

  it('has the requested number of word pieces, joined into the content', () => {
    const r = buildReply([user('hi')], 10);
    expect(r.pieces).toHaveLength(10);
    expect(r.pieces.join('')).toBe(r.content);
    expect(r.content.split(' ')).toHaveLength(10);
    expect(r.completionTokens).toBe(10);
    expect(r.finishReason).toBe('stop');
  });

  it('counts prompt tokens at ~4 chars each plus 3 per message', () => {
    expect(buildReply([user('x'.repeat(40))], 5).promptTokens).toBe(10 + 3);
    expect(buildReply([user('abc'), user('de')], 5).promptTokens).toBe(2 + 6);
  });

  it('max tokens truncates with finish_reason length', () => {
    const r = buildReply([user('hi')], 10, 4);
    expect(r.pieces).toHaveLength(4);
    expect(r.finishReason).toBe('length');
    expect(buildReply([user('hi')], 10, 50).finishReason).toBe('stop');
  });
});

describe('contentText', () => {
  it('reads strings and text parts, ignores the rest', () => {
    expect(contentText('plain')).toBe('plain');
    expect(contentText([{ type: 'text', text: 'a' }, { type: 'image_url', image_url: {} }, { type: 'text', text: 'b' }])).toBe('a b');
    expect(contentText(null)).toBe('');
    expect(contentText(42)).toBe('');
  });
});
