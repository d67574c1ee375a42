import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

/**
 * Keeps the last lines of a child's stream (for "it died, here is why" messages) and always
 * drains it: a child blocked on a full stdout pipe would look like a slow target.
 */
export class LineTail {
  private lines: string[] = [];
  private listeners = new Set<(line: string) => void>();

  constructor(stream: Readable | null | undefined, private readonly keep = 20) {
    if (!stream) return;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      this.lines.push(line);
      if (this.lines.length > this.keep) this.lines.shift();
      for (const l of this.listeners) l(line);
    });
  }

  last(n = this.keep): string[] {
    return this.lines.slice(-n);
  }

  onLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** "; last stderr lines: a | b | c", or '' when there are none (or no tail). */
export function describeTail(tail: LineTail | null, n = 5): string {
  const lines = (tail?.last(n) ?? []).map((l) => l.trim()).filter(Boolean);
  return lines.length ? `; last stderr lines: ${lines.join(' | ')}` : '';
}
