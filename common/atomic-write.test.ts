import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAtomicTemp, tempNameFor, writeFileAtomic } from './atomic-write.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates folders, replaces an existing file whole, leaves no temporary file', async () => {
    const file = path.join(dir, 'a/b/result.json');
    await writeFileAtomic(file, 'first');
    await writeFileAtomic(file, 'second');
    expect(await readFile(file, 'utf8')).toBe('second');
    expect(await readdir(path.dirname(file))).toEqual(['result.json']);
  });

  it('an abort before the rename leaves the old file and no temporary one, and throws the reason', async () => {
    const file = path.join(dir, 'report.html');
    await writeFile(file, 'old');
    const c = new AbortController();
    c.abort('SIGTERM');
    await expect(writeFileAtomic(file, 'new', c.signal)).rejects.toBe('SIGTERM');
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['report.html']);
  });

  it('temporary names are hidden, beside the file, and recognisable', () => {
    const tmp = tempNameFor('/x/y/latest.json');
    expect(path.dirname(tmp)).toBe('/x/y');
    expect(isAtomicTemp(path.basename(tmp))).toBe(true);
    expect(isAtomicTemp('latest.json')).toBe(false);
  });
});
