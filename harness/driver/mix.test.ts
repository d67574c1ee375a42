import { describe, expect, it } from 'vitest';
import { createRng } from '../../common/latency.ts';
import { exaiAdapter } from '../protocol/exai.ts';
import { compileMix, uniqueFieldOf } from './mix.ts';

describe('request mix', () => {
  it('follows the weights over every stretch, from a seeded start, reproducibly', () => {
    const mix = compileMix(
      [
        { weight: 7, tool: 'chat', args: { prompt: 'p' } },
        { weight: 1, tool: 'chat', args: { prompt: 'same' }, repeat: true },
        { weight: 2, tool: 'status' },
      ],
      exaiAdapter,
    );
    expect(mix.toolNames).toEqual(['chat', 'status']);
    const draw = (seed: number): string[] => {
      const next = mix.sequence(createRng(seed));
      return Array.from({ length: 20_000 }, (_, i) => next().build(i + 1));
    };
    const frames = draw(3);
    const kinds: Array<[(f: string) => boolean, number]> = [
      [(f) => f.includes('"prompt":"p #'), 0.7],
      [(f) => f.includes('"prompt":"same"'), 0.1],
      [(f) => f.includes('"name":"status"'), 0.2],
    ];
    // Every stretch of 130 requests (a chat-realistic window) holds each entry's share to within
    // 2 requests; independent draws would stray by 5 (one sd of 130 x 0.7) about a third of the time.
    for (let start = 0; start + 130 <= frames.length; start += 97) {
      const stretch = frames.slice(start, start + 130);
      for (const [is, w] of kinds) expect(Math.abs(stretch.filter(is).length - 130 * w)).toBeLessThanOrEqual(2);
    }
    expect(draw(3)).toEqual(frames);
    expect(draw(4)).not.toEqual(frames);
  });

  it('salts varied arguments so two drivers never send the same unique request', () => {
    const entries = [
      { weight: 1, tool: 'chat', args: { prompt: 'p' } },
      { weight: 1, tool: 'chat', args: { prompt: 'same' }, repeat: true },
    ];
    const a = compileMix(entries, exaiAdapter, 'drv-a');
    const b = compileMix(entries, exaiAdapter, 'drv-b');
    const firstOf = (m: typeof a, repeat: boolean) => {
      const next = m.sequence(createRng(5));
      for (;;) {
        const f = next().build(1);
        if (f.includes('"prompt":"same"') === repeat) return f;
      }
    };
    expect(firstOf(a, false)).toContain('"prompt":"p [drv-a] #1"');
    expect(firstOf(a, false)).not.toEqual(firstOf(b, false));
    // Repeated entries stay identical across drivers: they are meant to hit the cache.
    expect(firstOf(a, true)).toEqual(firstOf(b, true));
  });

  it('varies the prompt, else the first string argument, else nothing', () => {
    expect(uniqueFieldOf({ model: 'm', prompt: 'p' })).toBe('prompt');
    expect(uniqueFieldOf({ n: 1, text: 't' })).toBe('text');
    expect(uniqueFieldOf({ n: 1 })).toBeUndefined();
  });
});
