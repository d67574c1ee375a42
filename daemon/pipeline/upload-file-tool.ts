/**
 * `upload_file`, as the seed's daemon does it: the bytes go to a Supabase storage bucket, a
 * `file_uploads` row records them (session, path, size, sha256), then the file is passed to the
 * provider's OpenAI-compatible `/files` endpoint and the row gets the provider's file id. The
 * reply is the file's record as JSON. Registered when the daemon has Supabase.
 */
import { createHash } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { ProviderClient } from './provider-client.ts';
import { StoreError } from './stage-error.ts';
import { ToolArgError, type Args, type AsyncTool, type CallContext, type ProviderName, type ToolOutcome } from '../tools/types.ts';

export const UPLOAD_BUCKET = 'exai-files';
/** The largest file the tool takes (decoded bytes). */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

const INPUT_SCHEMA = {
  type: 'object',
  properties: {
    filename: { type: 'string', description: 'Name of the file.' },
    content: { type: 'string', description: 'The file as text (UTF-8).' },
    content_base64: { type: 'string', description: 'The file as base64 (instead of content).' },
    content_type: { type: 'string', description: 'MIME type; defaults to text/plain or application/octet-stream.' },
    purpose: { type: 'string', description: "Provider purpose, default 'file-extract'." },
    provider: { type: 'string', enum: ['kimi', 'glm'], description: 'Provider to pass the file to (default kimi).' },
    conversation_id: { type: 'string', description: 'Conversation the file belongs to.' },
  },
  required: ['filename'],
};

interface UploadArgs {
  filename: string;
  bytes: Buffer;
  contentType: string;
  purpose: string;
  provider: ProviderName;
  conversationId: string | null;
}

function parseArgs(a: Args): UploadArgs {
  const str = (k: string): string | null => {
    const v = a[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new ToolArgError(`"${k}" must be a string`);
    return v;
  };
  const filename = str('filename');
  if (!filename || /[/\\]/.test(filename) || filename.length > 255) throw new ToolArgError('"filename" must be a non-empty name of at most 255 characters without "/"');
  const text = str('content');
  const b64 = str('content_base64');
  if ((text === null) === (b64 === null)) throw new ToolArgError('give exactly one of "content" and "content_base64"');
  const bytes = text !== null ? Buffer.from(text, 'utf8') : Buffer.from(b64!, 'base64');
  if (bytes.length > MAX_UPLOAD_BYTES) throw new ToolArgError(`the file is ${bytes.length} bytes; at most ${MAX_UPLOAD_BYTES}`);
  const p = (str('provider') ?? 'kimi').toLowerCase();
  if (p !== 'kimi' && p !== 'glm') throw new ToolArgError('"provider" must be kimi or glm');
  return {
    filename,
    bytes,
    contentType: str('content_type') ?? (text !== null ? 'text/plain' : 'application/octet-stream'),
    purpose: str('purpose') ?? 'file-extract',
    provider: p === 'kimi' ? 'KIMI' : 'GLM',
    conversationId: str('conversation_id'),
  };
}

export function createUploadFileTool(deps: { db: SupabaseClient; providers: Record<ProviderName, ProviderClient> }): AsyncTool {
  return {
    kind: 'async',
    name: 'upload_file',
    description: 'Store a file (Supabase storage + file_uploads row) and pass it to the provider (OpenAI-compatible /files).',
    provider: 'KIMI',
    inputSchema: INPUT_SCHEMA,
    run: (call) => upload(call, deps),
  };
}

async function upload(call: CallContext, deps: { db: SupabaseClient; providers: Record<ProviderName, ProviderClient> }): Promise<ToolOutcome> {
  const a = parseArgs(call.args);
  const t0 = performance.now();
  call.running();
  const sha256 = createHash('sha256').update(a.bytes).digest('hex');
  const path = `${call.sessionId}/${sha256.slice(0, 16)}/${a.filename}`;
  const db = deps.db;
  const stored = await db.storage.from(UPLOAD_BUCKET).upload(path, a.bytes, { contentType: a.contentType, upsert: true });
  if (stored.error) throw new StoreError('supabase', `storage upload failed: ${stored.error.message}`);
  const row = await db
    .from('file_uploads')
    .upsert(
      {
        session_id: call.sessionId, conversation_id: a.conversationId, bucket: UPLOAD_BUCKET, path, filename: a.filename,
        content_type: a.contentType, size_bytes: a.bytes.length, sha256, metadata: { provider: a.provider, purpose: a.purpose },
      },
      { onConflict: 'bucket,path' },
    )
    .select('id')
    .abortSignal(call.signal);
  if (row.error) throw new StoreError('supabase', `file_uploads insert failed: ${row.error.message}`);
  const id = (row.data?.[0] as { id?: string } | undefined)?.id ?? null;
  const fileId = await deps.providers[a.provider].uploadFile(a.bytes, a.filename, a.purpose, call.signal);
  const done = await db
    .from('file_uploads')
    .update({ metadata: { provider: a.provider, purpose: a.purpose, provider_file_id: fileId } })
    .eq('bucket', UPLOAD_BUCKET)
    .eq('path', path)
    .abortSignal(call.signal);
  if (done.error) throw new StoreError('supabase', `file_uploads update failed: ${done.error.message}`);
  const text = JSON.stringify({ id, file_id: fileId, bucket: UPLOAD_BUCKET, path, size_bytes: a.bytes.length, sha256, provider: a.provider });
  return { text, fromCache: false, provider: a.provider, processingMs: performance.now() - t0 };
}
