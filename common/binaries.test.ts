import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, findRunuser } from './binaries.ts';

const dir = mkdtempSync(join(tmpdir(), 'overbench-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An executable file `name` in a fresh folder under dir; returns the folder. */
function folderWith(name: string, mode = 0o755): string {
  const folder = mkdtempSync(join(dir, 'f-'));
  writeFileSync(join(folder, name), '#!/bin/sh\n');
  chmodSync(join(folder, name), mode);
  return folder;
}

describe('findRunuser', () => {
  it('takes runuser from PATH first', () => {
    const onPath = folderWith('runuser');
    const sbin = folderWith('runuser');
    expect(findRunuser(onPath, [join(sbin, 'runuser')])).toBe(join(onPath, 'runuser'));
  });

  it('finds it in the sbin folders when PATH lacks them, and only where it is executable', () => {
    const sbin = folderWith('runuser');
    const notExecutable = folderWith('runuser', 0o644);
    expect(findRunuser(folderWith('initdb'), [join(notExecutable, 'runuser'), join(sbin, 'runuser')])).toBe(join(sbin, 'runuser'));
    expect(findRunuser('', [join(dir, 'nowhere', 'runuser')])).toBeUndefined();
  });
});

describe('findOnPath', () => {
  it('returns the first executable match in PATH order, skipping empty entries', () => {
    const a = folderWith('tool', 0o644);
    const b = folderWith('tool');
    expect(findOnPath('tool', ['', a, b].join(':'))).toBe(join(b, 'tool'));
    expect(findOnPath('absent', b)).toBeUndefined();
  });
});
