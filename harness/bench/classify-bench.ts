/**
 * Why the EXAI adapter reads replies from the raw Buffer when it can (harness/protocol/fast-path.ts):
 * the per-frame cost of decode + JSON.parse vs the byte-level fast path, and the other per-request
 * costs of the driver for scale (histogram record, request build, a clock read).
 * Run: npx tsx harness/bench/classify-bench.ts
 */
import { Bench } from 'tinybench';
import { newHistogram } from '../driver/histogram.ts';
import { newFrameInfo } from '../protocol/adapter.ts';
import { exaiAdapter } from '../protocol/exai.ts';

const reply = Buffer.from('{"op":"call_tool_res","request_id":"123456","outputs":[{"type":"text","text":"ok"}]}');
const replyOtherOrder = Buffer.from('{"request_id":"123456","op":"call_tool_res","outputs":[{"type":"text","text":"ok"}]}');
const info = newFrameInfo();
const build = exaiAdapter.compileRequest('echo', { prompt: 'hi' }, 'prompt');
const h = newHistogram();
let i = 0;

const bench = new Bench({ time: 500 });
bench
  .add('classify Buffer (fast path)', () => void exaiAdapter.classify(reply, info))
  .add('classify Buffer (other key order: JSON.parse)', () => void exaiAdapter.classify(replyOtherOrder, info))
  .add('toString + JSON.parse only', () => void JSON.parse(reply.toString()))
  .add('build request (compiled)', () => void build(++i))
  .add('build request (JSON.stringify)', () => void exaiAdapter.buildRequest('echo', { prompt: `hi #${++i}` }, i))
  .add('histogram recordValue', () => h.recordValue(100 + (++i & 1023)))
  .add('performance.now()', () => void performance.now());
await bench.run();
console.table(bench.table());
