import type { z } from 'zod';

/** `mix[0].tool`, `load.ratePerSec`; the root is `(root)`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One "field: problem" string per zod issue; an unknown key names the key itself. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`${fieldPath([...issue.path, key])}: unknown field`);
      continue;
    }
    const message = issue.message.replace(/^Invalid input: /, '');
    out.push(`${fieldPath(issue.path)}: ${message}`);
  }
  return out;
}
