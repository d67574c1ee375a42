import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tsxArgs } from '../../common/tsx.ts';

/**
 * The size of `fast`'s hot-path methods in V8 bytecode, which decides how TurboFan inlines them
 * into the daemon's frame handling. A method of at most --max-inlined-bytecode-size-small bytes
 * (27 in Node 20's V8) is always inlined; a larger one competes for the caller's cumulative
 * inlining budget (920 bytes), which the daemon's own calls need. At 29 bytes (a local alias of
 * the ref), frameReceived and frameSent crossed that line, and `fast` read +2.7% CPU per request
 * in hot-path-open against +1.1% at 26 bytes (8 seeds each; NOTEBOOK.md, "bench:tight, third and fourth sessions").
 * Sizes, not timings: deterministic for a given Node.
 */
function bytecodeLength(fn: string): number {
  const out = execFileSync(process.execPath, ['--print-bytecode', `--print-bytecode-filter=${fn}`, ...tsxArgs('daemon/metrics/testing/exercise-fast.ts')], { encoding: 'utf8' });
  const lengths = [...out.matchAll(/Bytecode length: (\d+)/g)].map((m) => Number(m[1]));
  expect(lengths, `no bytecode printed for ${fn}`).not.toHaveLength(0);
  return Math.max(...lengths);
}

function v8Default(flag: string): number {
  const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
  const m = new RegExp(`default: --${flag}=(\\d+)`).exec(options);
  if (m === null) throw new Error(`node --v8-options names no default for --${flag}`);
  return Number(m[1]);
}

describe('fast backend bytecode', () => {
  it('per-frame calls fit V8\'s small-function inlining; requestDone keeps its rare path out of line', () => {
    const small = v8Default('max-inlined-bytecode-size-small');
    expect(bytecodeLength('frameReceived')).toBeLessThanOrEqual(small);
    expect(bytecodeLength('frameSent')).toBeLessThanOrEqual(small);
    // 43 bytes with the tool change and failures in requestDoneRarely; 73 with them inline.
    expect(bytecodeLength('requestDone')).toBeLessThanOrEqual(50);
  }, 30_000);
});
