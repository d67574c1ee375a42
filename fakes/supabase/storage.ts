/**
 * /storage/v1: object upload (POST, `x-upsert`), update (PUT), download (GET) and exists (HEAD),
 * answered as the Storage API does: `{Key, Id}` on upload, errors as
 * `{statusCode, error, message}`. Any bucket name is accepted (buckets are not modelled).
 * Bodies are raw bytes, or multipart form data when supabase-js uploads a Blob/File/FormData.
 */
import { json, type FakeResponse } from './http-io.ts';
import type { Store } from './store.ts';

export interface StorageRequest {
  readonly method: string;
  /** Path after `/storage/v1/`, still percent-encoded. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export const storageError = (status: number, error: string, message: string): FakeResponse =>
  json(status, { statusCode: String(status), error, message });

const OBJECT_PREFIXES = ['object/authenticated/', 'object/public/', 'object/'];

/** bucket and object name from `object/<bucket>/<name...>` (download also accepts the /authenticated and /public forms). */
function objectTarget(path: string, allowAliases: boolean): { bucket: string; name: string } | null {
  const prefix = OBJECT_PREFIXES.find((p) => path.startsWith(p) && (allowAliases || p === 'object/'));
  if (!prefix) return null;
  let rest: string;
  try {
    rest = decodeURIComponent(path.slice(prefix.length));
  } catch {
    return null;
  }
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  return { bucket: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The file bytes and type: raw body, or the file part of a multipart body (parsed by undici). */
async function fileOf(r: StorageRequest): Promise<{ bytes: Buffer; contentType: string }> {
  const type = headerText(r.headers['content-type']) ?? 'application/octet-stream';
  if (!type.startsWith('multipart/form-data')) return { bytes: r.body, contentType: type };
  const form = await new Response(r.body, { headers: { 'content-type': type } }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') return { bytes: Buffer.from(await value.arrayBuffer()), contentType: value.type || 'application/octet-stream' };
  }
  throw new Error('multipart body without a file part');
}

export async function handleStorage(store: Store, r: StorageRequest): Promise<FakeResponse> {
  const read = r.method === 'GET' || r.method === 'HEAD';
  const target = objectTarget(r.path, read);
  if (!target) return storageError(400, 'InvalidRequest', `Unsupported storage route: ${r.method} /storage/v1/${r.path}`);
  if (read) {
    const obj = await store.getObject(target.bucket, target.name);
    if (!obj) return storageError(404, 'not_found', 'Object not found');
    return { status: 200, headers: { 'content-type': obj.contentType }, body: obj.bytes };
  }
  if (r.method !== 'POST' && r.method !== 'PUT') return storageError(405, 'MethodNotAllowed', `${r.method} is not supported on objects`);
  let file: { bytes: Buffer; contentType: string };
  try {
    file = await fileOf(r);
  } catch (e) {
    return storageError(400, 'InvalidRequest', `Could not read the upload: ${(e as Error).message}`);
  }
  // PUT (update) replaces an existing object only; POST creates, or replaces with x-upsert: true.
  if (r.method === 'PUT' && !(await store.getObject(target.bucket, target.name))) return storageError(404, 'not_found', 'Object not found');
  const upsert = r.method === 'PUT' || headerText(r.headers['x-upsert']) === 'true';
  const id = await store.putObject({ bucket: target.bucket, name: target.name, contentType: file.contentType, bytes: file.bytes, upsert });
  if (id === null) return storageError(409, 'Duplicate', 'The resource already exists');
  return json(200, { Key: `${target.bucket}/${target.name}`, Id: id });
}
