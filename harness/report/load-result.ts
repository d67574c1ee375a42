import { readFile } from 'node:fs/promises';
import { UsageError } from '../../common/exit-codes.ts';
import { parseJsonWithPlace } from '../../common/json.ts';
import { Result, SCHEMA_VERSION } from '../result/schema.ts';

/**
 * Reads and validates a result file. Every way it can be wrong (missing, not JSON, another
 * schemaVersion, a field the schema rejects) becomes ONE UsageError line naming the file and,
 * where there is one, the field: the CLI prints it and exits 2.
 */
export async function loadResult(file: string): Promise<Result> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`result file ${file}: ${code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? String(err)})`}`);
  }
  return parseResult(text, file);
}

export function parseResult(text: string, file: string): Result {
  let data: unknown;
  try {
    data = parseJsonWithPlace(text);
  } catch (err) {
    throw new UsageError(`result file ${file}: ${oneLine((err as Error).message)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`result file ${file}: expected a JSON object, got ${Array.isArray(data) ? 'an array' : typeof data}`);
  }
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (version !== SCHEMA_VERSION) {
    throw new UsageError(
      `result file ${file}: schemaVersion ${JSON.stringify(version) ?? 'missing'} is not supported (this overbench reads ${SCHEMA_VERSION})`,
    );
  }
  const parsed = Result.safeParse(data);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const where = first.path.length ? first.path.join('.') : '(root)';
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    throw new UsageError(`result file ${file}: field ${where}: ${oneLine(first.message)}${more}`);
  }
  return parsed.data;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
