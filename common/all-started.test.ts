import { describe, expect, it } from 'vitest';
import { allStarted } from './all-started.ts';

describe('allStarted', () => {
  it('gives every value, in order, when all start', async () => {
    const stopped: unknown[] = [];
    const [a, b] = await allStarted<[number, string]>([Promise.resolve(1), Promise.resolve('b')], async (x) => stopped.push(x));
    expect([a, b]).toEqual([1, 'b']);
    expect(stopped).toEqual([]);
  });

  it('stops each one that started when another fails, and throws the first failure', async () => {
    const stopped: unknown[] = [];
    const starts = [Promise.resolve('up'), Promise.reject(new Error('first')), Promise.reject(new Error('second')), Promise.resolve('also up')] as const;
    await expect(allStarted<[string, never, never, string]>(starts, async (x) => stopped.push(x))).rejects.toThrow('first');
    expect(stopped.sort()).toEqual(['also up', 'up']);
  });

  it('a stop that fails does not hide the start failure', async () => {
    await expect(allStarted<[string, never]>([Promise.resolve('up'), Promise.reject(new Error('start'))], () => Promise.reject(new Error('stop')))).rejects.toThrow('start');
  });
});
