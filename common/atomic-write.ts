import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files appear whole or not at all: written to a temporary name in the same folder (so the
 * rename never crosses a file system), flushed, then renamed over the final name. A reader, or a
 * kill at any moment, sees the old file, the new one, or none; never half of one. Temporary files
 * still being written are removed on process exit (the signal path exits through process.exit).
 */

const pending = new Set<string>();
let exitHookInstalled = false;

function removePendingNow(): void {
  for (const tmp of pending) {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or removed
    }
  }
  pending.clear();
}

/** `.<name>.<random>.tmp` beside `file`: hidden, and never mistaken for a report. */
export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Write `data` to `file` atomically. `signal`: checked before the rename, so a stop that arrived
 * while the data was written leaves no file (and no temporary one), and throws the signal's reason.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, signal?: AbortSignal): Promise<void> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', removePendingNow);
  }
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempNameFor(file);
  pending.add(tmp);
  try {
    const fh = await open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    signal?.throwIfAborted();
    await rename(tmp, file);
    pending.delete(tmp);
  } catch (err) {
    pending.delete(tmp);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Temporary files of writeFileAtomic in `dir` (tests: a run must leave none). */
export function isAtomicTemp(name: string): boolean {
  return /^\..+\.[0-9a-f]{8}\.tmp$/.test(name);
}
