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

type Issue = z.core.$ZodIssue;

/** A branch of a union that failed only because the value is another type altogether. */
const wrongType = (branch: readonly Issue[]) => branch.length === 1 && branch[0].code === 'invalid_type' && branch[0].path.length === 0;

/**
 * A union's failure in the terms of the branch the value was meant for: `budgets.p99` written as an
 * object is judged as the object form ("budgets.p99.floorMs: unknown field"), not as "Invalid
 * input". When no branch fits the value's type, one line says which types would.
 */
function describeUnion(issue: Extract<Issue, { code: 'invalid_union' }>): string[] {
  const branches = issue.errors ?? [];
  const meant = branches.filter((b) => !wrongType(b));
  if (meant.length === 1) return describeIssues(meant[0].map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue));
  if (branches.length > 0 && meant.length === 0) {
    const expected = branches.map((b) => (b[0] as { expected?: string }).expected ?? '?');
    const received = /received (\w+)/.exec(branches[0][0].message)?.[1];
    return [`${fieldPath(issue.path)}: expected ${expected.join(' or ')}${received ? `, received ${received}` : ''}`];
  }
  return [`${fieldPath(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}`];
}

/** The value as the user wrote it, short: `-1`, `"16"`, `[]` (zod reports it with reportInput). */
function shown(input: unknown): string | null {
  if (input === undefined) return null;
  const text = JSON.stringify(input);
  return text === undefined ? null : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * The problem in the user's words: bounds as `expected a number > 0, got -1` (zod says "Too
 * small: expected number to be >0"), an integer as `expected an integer, got 1.5`.
 */
function describeOne(issue: Issue): string {
  const got = shown((issue as { input?: unknown }).input);
  const suffix = got === null ? '' : `, got ${got}`;
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'number') {
    const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
    const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
    return `expected a number ${op} ${String(bound)}${suffix}`;
  }
  if (issue.code === 'invalid_type' && issue.expected === 'int') return `expected an integer${suffix}`;
  const message = issue.message.replace(/^Invalid input: /, '').replace(/^Too (small|big): /, '');
  return issue.code === 'invalid_value' ? `${message}${suffix}` : message;
}

/** One "field: problem" string per zod issue; an unknown key names the key itself. */
export function describeIssues(issues: readonly Issue[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union') {
      out.push(...describeUnion(issue));
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`${fieldPath([...issue.path, key])}: unknown field`);
      continue;
    }
    out.push(`${fieldPath(issue.path)}: ${describeOne(issue)}`);
  }
  return out;
}
