import { parseDocument, loadDocument } from '../result/read-document.ts';
import { Result, SCHEMA_VERSION } from '../result/schema.ts';

/**
 * Reads and validates a result file: any way it can be wrong is ONE UsageError line naming the
 * file and, where there is one, the field (harness/result/read-document.ts); the CLI exits 2.
 */
export async function loadResult(file: string): Promise<Result> {
  return loadDocument(file, `result file ${file}`, Result, SCHEMA_VERSION);
}

export function parseResult(text: string, file: string): Result {
  return parseDocument(text, `result file ${file}`, Result, SCHEMA_VERSION);
}
