import { describe, expect, it } from 'vitest';
import { createRng } from '../../common/latency.ts';
import { exaiAdapter } from '../protocol/exai.ts';
import { compileMix, uniqueFieldOf } from './mix.ts';

describe('request mix', () => {
  it('picks entries in proportion to their weights, reproducibly', () => {
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
      const rng = createRng(seed);
      return Array.from({ length: 20_000 }, (_, i) => mix.pick(rng).build(i + 1));
    };
    const frames = draw(3);
    const share = (pred: (f: string) => boolean): number => frames.filter(pred).length / frames.length;
    expect(share((f) => f.includes('"prompt":"p #'))).toBeCloseTo(0.7, 1);
    expect(share((f) => f.includes('"prompt":"same"'))).toBeCloseTo(0.1, 1);
    expect(share((f) => f.includes('"name":"status"'))).toBeCloseTo(0.2, 1);
    expect(draw(3)).toEqual(frames);
  });

  it('salts varied arguments so two drivers never send the same unique request', () => {
    const entries = [
      { weight: 1, tool: 'chat', args: { prompt: 'p' } },
      { weight: 1, tool: 'chat', args: { prompt: 'same' }, repeat: true },
    ];
    const a = compileMix(entries, exaiAdapter, 'drv-a');
    const b = compileMix(entries, exaiAdapter, 'drv-b');
    const firstOf = (m: typeof a, repeat: boolean) => {
      const rng = createRng(5);
      for (;;) {
        const f = m.pick(rng).build(1);
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
