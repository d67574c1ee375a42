import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { UsageError } from '../../common/exit-codes.ts';
import { parseJsonWithPlace } from '../../common/json.ts';

/**
 * Reads and validates one of overbench's versioned JSON documents (a result, a calibration). Every
 * way it can be wrong (missing, not JSON, another schemaVersion, a field the schema rejects)
 * becomes ONE UsageError line that starts with `label` (which names the file) and names the field
 * where there is one: the CLI prints it and exits 2.
 */
export async function loadDocument<T extends z.ZodTypeAny>(file: string, label: string, schema: T, version: number): Promise<z.infer<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${label}: ${code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? String(err)})`}`);
  }
  return parseDocument(text, label, schema, version);
}

export function parseDocument<T extends z.ZodTypeAny>(text: string, label: string, schema: T, version: number): z.infer<T> {
  let data: unknown;
  try {
    data = parseJsonWithPlace(text);
  } catch (err) {
    throw new UsageError(`${label}: ${oneLine((err as Error).message)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${label}: expected a JSON object, got ${Array.isArray(data) ? 'an array' : typeof data}`);
  }
  const found = (data as { schemaVersion?: unknown }).schemaVersion;
  if (found !== version) {
    throw new UsageError(`${label}: schemaVersion ${JSON.stringify(found) ?? 'missing'} is not supported (this overbench reads ${version})`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const where = first.path.length ? first.path.join('.') : '(root)';
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    throw new UsageError(`${label}: field ${where}: ${oneLine(first.message)}${more}`);
  }
  return parsed.data;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
