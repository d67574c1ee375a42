import { describe, expect, it } from 'vitest';
import { OrphanErrors } from './orphan-attribution.ts';

const calls = (...spec: Array<[number, string]>) => spec.map(([id, tool]) => ({ id, tool }));

describe('attributing errors that name no request', () => {
  it('one call in flight: the error is that call at once', () => {
    const o = new OrphanErrors();
    expect(o.add('TOOL_NOT_FOUND', calls([7, 'chat']))).toEqual([{ id: 7, error: 'TOOL_NOT_FOUND' }]);
    expect(o.idle).toBe(true);
    expect(o.takeAmbiguous()).toEqual([]);
  });

  it('several in flight: nothing is charged until the others have answered, then the one left', () => {
    const o = new OrphanErrors();
    expect(o.add('INTERNAL_ERROR', calls([1, 'chat'], [2, 'chat'], [3, 'status']))).toEqual([]);
    expect(o.idle).toBe(false);
    expect(o.answered(3)).toEqual([]);
    // not the oldest: call 1 answered, so the error was call 2's
    expect(o.answered(1)).toEqual([{ id: 2, error: 'INTERNAL_ERROR' }]);
    expect(o.idle).toBe(true);
  });

  it('the tool an error names narrows the candidates to that tool\'s calls', () => {
    const o = new OrphanErrors();
    expect(o.add('TOOL_NOT_FOUND', calls([1, 'chat'], [2, 'nope'], [3, 'status']), 'nope')).toEqual([{ id: 2, error: 'TOOL_NOT_FOUND' }]);
    // a named tool with no call in flight does not narrow to nothing
    expect(o.add('TOOL_NOT_FOUND', calls([1, 'chat']), 'other')).toEqual([{ id: 1, error: 'TOOL_NOT_FOUND' }]);
  });

  it('k errors among k candidates: all of them failed', () => {
    const o = new OrphanErrors();
    expect(o.add('A', calls([1, 'x'], [2, 'x'], [3, 'x']))).toEqual([]);
    expect(o.add('B', calls([1, 'x'], [2, 'x'], [3, 'x']))).toEqual([]);
    const found = o.answered(2);
    expect(found.map((f) => f.id).sort()).toEqual([1, 3]);
    expect(found.map((f) => f.error).sort()).toEqual(['A', 'B']);
    expect(o.idle).toBe(true);
  });

  it('a later error whose candidates include an attributed call is narrowed by that', () => {
    const o = new OrphanErrors();
    o.add('A', calls([1, 'x'], [2, 'x']));
    o.add('B', calls([1, 'x'], [2, 'x'], [3, 'x']));
    // 1 answered, so A was 2's; B's candidates {1,2,3} lose 1 (answered) and 2 (A's): it was 3's
    expect(o.answered(1)).toEqual([
      { id: 2, error: 'A' },
      { id: 3, error: 'B' },
    ]);
    expect(o.idle).toBe(true);
  });

  it('as many errors as candidates: every candidate failed, at once', () => {
    const o = new OrphanErrors();
    expect(o.add('A', calls([1, 'x'], [2, 'x']))).toEqual([]);
    const found = o.add('B', calls([1, 'x'], [2, 'x']));
    expect(found.map((f) => f.id).sort()).toEqual([1, 2]);
    expect(o.idle).toBe(true);
  });

  it('a candidate that ends without a reply proves nothing: the error is counted apart, charged to no call', () => {
    const o = new OrphanErrors();
    o.add('INTERNAL_ERROR', calls([1, 'x'], [2, 'x']));
    expect(o.unanswered(1)).toEqual([]);
    expect(o.idle).toBe(true);
    expect(o.takeAmbiguous()).toEqual(['INTERNAL_ERROR']);
    expect(o.takeAmbiguous()).toEqual([]);
    // call 2 answering later changes nothing
    expect(o.answered(2)).toEqual([]);
  });
});
