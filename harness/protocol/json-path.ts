/**
 * The small JSON path a scenario writes to point into a frame or a metrics document (error rules,
 * JSON exactness): `a.b[0].c`, an optional leading `$` or `$.`, `[*]` for every element of an
 * array, `["key with.dots"]` for keys that are not identifiers. No filters, no recursion: what a
 * reader needs to name one field, nothing a reader has to learn.
 */

export type PathStep = { key: string } | { index: number } | { every: true };

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/** The steps of `path`; throws an Error naming the position when it is not a path. */
export function parseJsonPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1).replace(/^\./, '');
  if (rest === '') throw new Error(`JSON path "${path}": names no field`);
  let first = true;
  while (rest.length > 0) {
    if (rest.startsWith('[')) {
      const m = /^\[(?:(\d+)|(\*)|"((?:[^"\\]|\\.)*)")\]/.exec(rest);
      if (!m) throw new Error(`JSON path "${path}": expected [N], [*] or ["key"] at "${rest}"`);
      steps.push(m[1] !== undefined ? { index: Number(m[1]) } : m[2] !== undefined ? { every: true } : { key: JSON.parse(`"${m[3]}"`) as string });
      rest = rest.slice(m[0].length);
    } else {
      if (!first) {
        if (!rest.startsWith('.')) throw new Error(`JSON path "${path}": expected "." or "[" at "${rest}"`);
        rest = rest.slice(1);
      }
      const m = IDENT.exec(rest);
      if (!m) throw new Error(`JSON path "${path}": expected a field name at "${rest}"`);
      steps.push({ key: m[0] });
      rest = rest.slice(m[0].length);
    }
    first = false;
  }
  return steps;
}

/** Every value the steps reach in `doc` (more than one only through `[*]`); none when a step is missing. */
export function selectJsonPath(doc: unknown, steps: readonly PathStep[]): unknown[] {
  let current: unknown[] = [doc];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if ('every' in step) {
        if (Array.isArray(v)) next.push(...v);
      } else if ('index' in step) {
        if (Array.isArray(v) && step.index < v.length) next.push(v[step.index]);
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, step.key)) {
        next.push((v as Record<string, unknown>)[step.key]);
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}
