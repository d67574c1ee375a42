/**
 * A child process for fast-bytecode.test.ts: runs the exactness script through `fast` once, so V8
 * compiles (and, under --print-bytecode, prints) every hot-path method, common and rare paths alike.
 */
import { FastMetrics } from '../fast.ts';
import { runScript } from './run-script.ts';

const m = new FastMetrics();
runScript(m, { clients: 3, framesPerClient: 20 });
await m.close();
