import { describe, expect, it } from 'vitest';
import { newFrameInfo } from './adapter.ts';
import { errorRuleProblems, withErrorRules, type ErrorRule } from './error-rules.ts';
import { exaiAdapter } from './exai.ts';
import { parseJsonPath, selectJsonPath } from './json-path.ts';

/** The real EXAI daemon's in-band tool failure: a normal call_tool_res whose text says error. */
const IN_BAND = JSON.stringify({
  op: 'call_tool_res',
  request_id: '5',
  outputs: [{ type: 'text', text: JSON.stringify({ status: 'error', content: 'Error: model refused' }) }],
});
const OK = JSON.stringify({ op: 'call_tool_res', request_id: '6', outputs: [{ type: 'text', text: JSON.stringify({ status: 'success', content: 'hi' }) }] });

const RULES: ErrorRule[] = [
  { path: 'outputs[*].text', regex: '^\\{"status":\\s*"error"', kind: 'TOOL_FAILED' },
  { path: 'ok', equals: false, kind: 'NOT_OK' },
];

function classify(rules: ErrorRule[], frame: string | Buffer) {
  const info = newFrameInfo();
  const kind = withErrorRules(exaiAdapter, rules).classify(frame, info);
  return { kind, id: info.requestId, error: info.error };
}

describe('JSON paths', () => {
  it('reads fields, indexes, every element and quoted keys', () => {
    const doc = { a: { 'b.c': [1, { d: 2 }, { d: 3 }] }, totals: { messagesReceived: 9 } };
    expect(selectJsonPath(doc, parseJsonPath('$.totals.messagesReceived'))).toEqual([9]);
    expect(selectJsonPath(doc, parseJsonPath('a["b.c"][1].d'))).toEqual([2]);
    expect(selectJsonPath(doc, parseJsonPath('a["b.c"][*].d'))).toEqual([2, 3]);
    expect(selectJsonPath(doc, parseJsonPath('a.missing.x'))).toEqual([]);
    expect(selectJsonPath(doc, parseJsonPath('a["b.c"][7]'))).toEqual([]);
  });

  it('names the position of a bad path', () => {
    expect(() => parseJsonPath('$')).toThrow(/names no field/);
    expect(() => parseJsonPath('a..b')).toThrow(/expected a field name at "\.b"/);
    expect(() => parseJsonPath('a[x]')).toThrow(/expected \[N\], \[\*\] or \["key"\] at "\[x\]"/);
  });
});

describe('error rules', () => {
  it('turn an in-band failure into an error of the rule\'s kind, text and raw frame alike', () => {
    expect(classify(RULES, IN_BAND)).toEqual({ kind: 'terminal', id: 5, error: 'TOOL_FAILED' });
    // the fast path (a Buffer from the socket) is read too
    expect(classify(RULES, Buffer.from(IN_BAND))).toEqual({ kind: 'terminal', id: 5, error: 'TOOL_FAILED' });
    expect(classify(RULES, OK)).toEqual({ kind: 'terminal', id: 6, error: undefined });
    expect(classify(RULES, Buffer.from(OK))).toEqual({ kind: 'terminal', id: 6, error: undefined });
  });

  it('match by value, strictly', () => {
    expect(classify(RULES, '{"op":"call_tool_res","request_id":"3","ok":false,"outputs":[]}').error).toBe('NOT_OK');
    expect(classify(RULES, '{"op":"call_tool_res","request_id":"3","ok":"false","outputs":[]}').error).toBeUndefined();
  });

  it('never override the protocol\'s own error, and leave other frames alone', () => {
    const withError = '{"op":"call_tool_res","request_id":"4","ok":false,"error":{"code":"INVALID_REQUEST"}}';
    expect(classify(RULES, withError).error).toBe('INVALID_REQUEST');
    expect(classify(RULES, '{"op":"stream_chunk","request_id":"4","chunk":"{\\"status\\": \\"error\\"}"}').kind).toBe('partial');
    expect(classify([], IN_BAND).error).toBeUndefined();
  });

  it('without rules the adapter is the same object (its fast path untouched)', () => {
    expect(withErrorRules(exaiAdapter, [])).toBe(exaiAdapter);
    expect(withErrorRules(exaiAdapter, undefined)).toBe(exaiAdapter);
  });

  it('report each bad rule by index and field', () => {
    expect(
      errorRuleProblems([
        { path: 'a..b', regex: 'x', kind: 'K' },
        { path: 'a', regex: '(', kind: 'K' },
        { path: 'a', kind: 'K' },
        { path: 'a', regex: 'x', equals: 1, kind: '' },
      ]),
    ).toEqual([
      expect.stringMatching(/^errorRules\[0\]\.path: /),
      expect.stringMatching(/^errorRules\[1\]\.regex: /),
      'errorRules[2]: give exactly one of "regex" and "equals"',
      'errorRules[3]: give exactly one of "regex" and "equals"',
      'errorRules[3].kind: expected a non-empty error kind',
    ]);
  });
});
