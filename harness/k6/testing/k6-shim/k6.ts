import { point } from './sink.ts';

/** k6's check(): every checker is run, each result is a sample of the `checks` Rate. */
export function check<T>(val: T, sets: Record<string, (v: T) => boolean>, tags: Record<string, string> = {}): boolean {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const ok = Boolean(fn(val));
    point('checks', ok ? 1 : 0, { ...tags, check: name });
    all &&= ok;
  }
  return all;
}
