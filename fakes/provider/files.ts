/**
 * OpenAI-compatible file uploads (`POST <prefix>/files`, multipart `file` + `purpose`), as Kimi's
 * file-extract and GLM's file API take them, and `GET <prefix>/files/{id}`. The fake keeps each
 * file's metadata (not its bytes: the daemon's copy lives in Supabase storage) and answers with
 * the OpenAI file object.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyBytes } from '../common/http-io.ts';
import { errorBody } from './bodies.ts';
import { MAX_BODY_BYTES, sendJson } from './http-io.ts';

export const FILE_PATHS: readonly string[] = ['/v1/files', '/api/paas/v4/files', '/files'];

export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: 'processed';
}

/** Past this many files the oldest metadata is forgotten, so a long run stays bounded. */
const MAX_FILES = 100_000;

export class FileStore {
  private readonly files = new Map<string, FileObject>();
  uploads = 0;

  constructor(private readonly nextId: () => string) {}

  /** Is this path a files path (the collection or one file)? Returns the file id part, '' for the collection. */
  static match(path: string): string | null {
    for (const p of FILE_PATHS) {
      if (path === p) return '';
      if (path.startsWith(`${p}/`) && path.length > p.length + 1 && !path.slice(p.length + 1).includes('/')) return decodeURIComponent(path.slice(p.length + 1));
    }
    return null;
  }

  async handle(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    if (id !== '') {
      const f = req.method === 'GET' ? this.files.get(id) : undefined;
      if (req.method !== 'GET') sendJson(res, 405, errorBody('invalid_request', `Method ${req.method} not allowed; use GET.`), { allow: 'GET' });
      else if (!f) sendJson(res, 404, errorBody('not_found', `No such File object: ${id}`));
      else sendJson(res, 200, JSON.stringify(f));
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, errorBody('invalid_request', `Method ${req.method} not allowed; use POST.`), { allow: 'POST' });
      return;
    }
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data')) {
      sendJson(res, 400, errorBody('invalid_request', 'Expected a multipart/form-data body with "file" and "purpose".'));
      return;
    }
    let form: FormData;
    try {
      const bytes = await readBodyBytes(req, MAX_BODY_BYTES);
      // The platform's own multipart parser (undici), the one fetch uses.
      form = await new Request('http://provider-fake/files', { method: 'POST', headers: { 'content-type': type }, body: bytes }).formData();
    } catch (e) {
      if (res.destroyed) return;
      sendJson(res, 400, errorBody('invalid_request', `Could not read the multipart body: ${(e as Error).message}`));
      return;
    }
    const file = form.get('file');
    const purpose = form.get('purpose');
    if (!(file instanceof Blob)) {
      sendJson(res, 400, errorBody('invalid_request', 'Missing "file" part.', 'file'));
      return;
    }
    if (typeof purpose !== 'string' || purpose === '') {
      sendJson(res, 400, errorBody('invalid_request', 'Missing "purpose" part.', 'purpose'));
      return;
    }
    const obj: FileObject = {
      id: `file-${this.nextId()}`,
      object: 'file',
      bytes: file.size,
      created_at: Math.floor(Date.now() / 1000),
      filename: (file as File).name || 'upload',
      purpose,
      status: 'processed',
    };
    this.files.set(obj.id, obj);
    if (this.files.size > MAX_FILES) this.files.delete(this.files.keys().next().value!);
    this.uploads++;
    sendJson(res, 200, JSON.stringify(obj));
  }
}
