/** The request headers that change what PostgREST does: `Prefer` and `Accept`. */

export interface Preferences {
  /** `return=representation`: answer with the written rows. */
  readonly representation: boolean;
  /** `count=exact|planned|estimated` (all counted exactly here). */
  readonly count: boolean;
  readonly resolution: 'merge' | 'ignore' | null;
  /** `missing=default`: keys absent from a bulk row take the column default instead of null. */
  readonly missingDefault: boolean;
  /** What to echo in `Preference-Applied`. */
  readonly applied: readonly string[];
}

const NONE: Preferences = { representation: false, count: false, resolution: null, missingDefault: false, applied: [] };

export function parsePrefer(header: string | undefined): Preferences {
  if (!header) return NONE;
  let representation = false;
  let count = false;
  let resolution: Preferences['resolution'] = null;
  let missingDefault = false;
  const applied: string[] = [];
  for (const raw of header.split(',')) {
    const token = raw.trim();
    if (token === 'return=representation') representation = true;
    else if (token.startsWith('count=')) count = true;
    else if (token === 'resolution=merge-duplicates') resolution = 'merge';
    else if (token === 'resolution=ignore-duplicates') resolution = 'ignore';
    else if (token === 'missing=default') missingDefault = true;
    else continue;
    if (!token.startsWith('return=')) applied.push(token);
  }
  return { representation, count, resolution, missingDefault, applied };
}

export const OBJECT_MEDIA_TYPE = 'application/vnd.pgrst.object+json';

/** `.single()` (and `.maybeSingle()` on writes) ask for one object instead of an array. */
export function wantsObject(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes(OBJECT_MEDIA_TYPE);
}
