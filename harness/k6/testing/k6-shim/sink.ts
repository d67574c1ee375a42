/**
 * Test support: a stand-in for k6's runtime so the bundled k6 scripts can run in Node against a
 * real daemon (k6 itself is not installable here). Samples go out as k6's `--out json` lines
 * (harness/ingest/k6-stream.ts cites the format), to the file in K6_SHIM_OUT.
 */
import { appendFileSync } from 'node:fs';

const out = process.env.K6_SHIM_OUT ?? '';

export function emit(line: object): void {
  if (out) appendFileSync(out, `${JSON.stringify(line)}\n`);
}

export function point(metric: string, value: number, tags: Record<string, string> = {}): void {
  emit({ type: 'Point', data: { time: new Date().toISOString(), value, tags: { scenario: process.env.K6_SHIM_SCENARIO ?? 'default', ...tags } }, metric });
}
