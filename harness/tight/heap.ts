import v8 from 'node:v8';
import { createMetrics } from '../../daemon/metrics/index.ts';
import type { BackendName, ClientRef } from '../../daemon/metrics/types.ts';
import type { Subject } from './subjects.ts';

/**
 * Heap cost, measured in a process started with --expose-gc: collect, note the heap, do the work,
 * collect again (for retained bytes) or not (for allocated bytes). A GC in the middle of an
 * allocation measurement would hide bytes, so v8.GCProfiler watches and a run that saw one is
 * repeated with fewer operations.
 */
function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('heap measurement needs node --expose-gc');
  g();
  g();
}

function heapBytes(): number {
  const m = process.memoryUsage();
  // typed arrays' backing stores (the fast backend's slots) live outside the JS heap
  return v8.getHeapStatistics().used_heap_size + m.arrayBuffers;
}

/** Bytes allocated per operation (not retained): garbage the collector must later clear. */
export function bytesPerOp(subject: Subject, ops: number): number {
  let n = ops;
  for (let attempt = 0; attempt < 4; attempt++, n = Math.max(1, Math.floor(n / 4))) {
    const run = subject.makeBatch(n);
    run(); // compile and warm this batch function before measuring it
    gc();
    const profiler = new v8.GCProfiler();
    profiler.start();
    const before = heapBytes();
    run();
    const after = heapBytes();
    const gcs = profiler.stop()?.statistics.length ?? 0;
    if (gcs === 0) return Math.max(0, (after - before) / n);
  }
  return Number.NaN;
}

/**
 * Bytes a backend retains per client: client(id) plus the first events that create its series.
 * The median of five measurements, each on a fresh instance. One reading alone strays by up to
 * +-150 KB of the JS heap (code that V8 compiles while the loop runs, on a background thread,
 * sometimes inside the measured span and sometimes not): at 2,000 clients, readings of one
 * process spread from -38 to 290 B per client around ~110, and at 10,000 one read -34. The
 * first instance in a process also holds one-time allocations (bytecode, feedback, the growth
 * path's code), which are no client's bytes; the median drops them as it drops the strays.
 */
export async function bytesPerClient(backend: BackendName, clients: number): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) readings.push(await retainedPerClient(backend, clients));
  return readings.sort((a, b) => a - b)[2];
}

/** Collect, then let V8 finish what it does off the main thread (compiles, freeing), and collect again. */
async function settledGc(): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc();
}

async function retainedPerClient(backend: BackendName, clients: number): Promise<number> {
  const m = createMetrics(backend);
  try {
    // ids and the array that holds the refs exist before the measurement: the daemon has them anyway
    const ids = Array.from({ length: clients }, (_, i) => `heap-client-${i}`);
    const refs: (ClientRef | null)[] = new Array(clients).fill(null);
    await settledGc();
    const before = heapBytes();
    for (let i = 0; i < clients; i++) {
      const r = m.client(ids[i]);
      m.connectionOpened(r);
      m.frameReceived(r, 100);
      m.frameSent(r, 100);
      refs[i] = r;
    }
    await settledGc();
    const after = heapBytes();
    if (refs[clients - 1] === null) throw new Error('unreachable');
    return Math.max(0, (after - before) / clients);
  } finally {
    await m.close();
  }
}
