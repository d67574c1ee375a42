import { open, readFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../../common/exit-codes.ts';
import { parseJsonWithPlace } from '../../common/json.ts';
import { ingestAutocannon } from './autocannon.ts';
import { ingestK6Stream, looksLikeK6Stream } from './k6-stream.ts';
import { ingestK6Summary } from './k6-summary.ts';
import type { IngestedWindow } from './window.ts';

export type IngestTool = 'k6' | 'autocannon';
export const INGEST_TOOLS: readonly IngestTool[] = ['k6', 'autocannon'];

export interface ReadOptions {
  /** k6: the latency Trend (default exai_reply_latency, else http_req_duration). */
  trend?: string;
  /** k6 stream without round tags: equal windows of time (default 1). */
  rounds?: number;
}

async function firstLine(file: string): Promise<string> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line.trim() !== '') return line;
    return '';
  } finally {
    lines.close();
    raw.destroy();
  }
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return parseJsonWithPlace(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

async function exists(file: string): Promise<void> {
  try {
    await (await open(file)).close();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'not found' : `cannot be read (${code})`}`);
  }
}

const isStream = async (file: string) => file.endsWith('.gz') || looksLikeK6Stream(await firstLine(file));

/**
 * Other tools' output as measured windows, told apart by content, not by name: each k6 summary or
 * autocannon result is one window (several files, several rounds); k6 `--out json` streams are
 * one test's samples (several files: its runners), one window per round (k6-stream.ts).
 */
export async function readWindows(tool: IngestTool, files: readonly string[], opts: ReadOptions = {}): Promise<IngestedWindow[]> {
  for (const f of files) await exists(f);
  if (tool === 'autocannon') return Promise.all(files.map(async (f) => ingestAutocannon(await readJson(f), f)));
  const streams = await Promise.all(files.map(isStream));
  if (streams.every(Boolean)) return ingestK6Stream(files, opts);
  if (streams.some(Boolean)) throw new UsageError(`${files.join(', ')}: give k6 summaries or --out json streams, not both`);
  if (opts.rounds !== undefined) throw new UsageError(`${files.join(', ')}: --rounds slices a k6 --out json stream; a summary is one round`);
  return Promise.all(files.map(async (f) => ingestK6Summary(await readJson(f), f, opts)));
}
