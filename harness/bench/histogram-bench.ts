/**
 * Why harness/driver/histogram.ts uses the JS histogram: recordValue cost, JS vs wasm, under tsx.
 * Run: npx tsx harness/bench/histogram-bench.ts
 */
import { build, initWebAssembly, type Histogram } from 'hdr-histogram-js';
import { fmtNs } from '../../common/format.ts';

const N = 2_000_000;
const values = new Float64Array(4096);
for (let i = 0; i < values.length; i++) values[i] = 50 + Math.floor(Math.random() * 5000);

function nsPerRecord(h: Histogram): number {
  for (let i = 0; i < 100_000; i++) h.recordValue(values[i & 4095]); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) h.recordValue(values[i & 4095]);
  return Number(process.hrtime.bigint() - t0) / N;
}

const opts = { lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 as const, autoResize: true };
await initWebAssembly();
for (let round = 0; round < 3; round++) {
  const js = nsPerRecord(build({ ...opts, useWebAssembly: false }));
  const wasmH = build({ ...opts, useWebAssembly: true });
  const wasm = nsPerRecord(wasmH);
  (wasmH as unknown as { destroy(): void }).destroy();
  console.log(`round ${round}: js ${fmtNs(js)}/record, wasm ${fmtNs(wasm)}/record`);
}
