import { describe, expect, it, vi } from 'vitest';
import { RespProtocolError, RespRequestParser, splitInline } from './resp-parser.ts';

function encode(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

function parseAll(chunks: Buffer[]): string[][] {
  const out: string[][] = [];
  const p = new RespRequestParser((args) => out.push(args));
  for (const c of chunks) p.feed(c);
  return out;
}

/** Cut a buffer at the given offsets. */
function cut(buf: Buffer, at: number[]): Buffer[] {
  const points = [0, ...at.filter((x) => x > 0 && x < buf.length).sort((a, b) => a - b), buf.length];
  return points.slice(1).map((end, i) => buf.subarray(points[i], end));
}

describe('RespRequestParser', () => {
  const commands = [
    ['SET', 'key', 'value'],
    ['HSET', 'h', 'f', ''],
    ['GET', 'x'.repeat(70_000)],
    ['PING'],
  ];
  const wire = Buffer.concat(commands.map((c) => encode(...c)));

  it('parses many commands in one chunk', () => {
    expect(parseAll([wire])).toEqual(commands);
  });

  it('parses commands split at every byte', () => {
    const bytes = Array.from({ length: wire.length }, (_, i) => wire.subarray(i, i + 1));
    expect(parseAll(bytes)).toEqual(commands);
  });

  it('parses commands split at random points (seeded)', () => {
    let s = 42;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const points = Array.from({ length: 1 + Math.floor(rand() * 20) }, () => Math.floor(rand() * wire.length));
      expect(parseAll(cut(wire, points))).toEqual(commands);
    }
  });

  it('keeps bytes exact (latin1 strings)', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const [[, v]] = parseAll([encode('SET', bytes)]);
    expect(Buffer.from(v, 'latin1').equals(bytes)).toBe(true);
  });

  it('parses inline commands and ignores empty lines, *0 and *-1', () => {
    expect(parseAll([Buffer.from('PING\r\n\r\n*0\r\n*-1\r\nset  a   b\nGET a\r\n')])).toEqual([['PING'], ['set', 'a', 'b'], ['GET', 'a']]);
  });

  it('rejects bad framing with Redis\'s protocol errors', () => {
    expect(() => parseAll([Buffer.from('*1\r\n+PING\r\n')])).toThrow(new RespProtocolError("expected '$', got '+'"));
    expect(() => parseAll([Buffer.from('*x\r\n')])).toThrow('invalid multibulk length');
    expect(() => parseAll([Buffer.from('*1\r\n$-1\r\n')])).toThrow('invalid bulk length');
    expect(() => parseAll([Buffer.from('*1\r\n$600000000\r\n')])).toThrow('invalid bulk length');
    expect(() => parseAll([Buffer.from('a'.repeat(70 * 1024))])).toThrow('too big inline request');
  });

  it('a large bulk in many chunks is joined once (linear, not quadratic)', () => {
    const big = encode('SET', 'k', Buffer.alloc(8 * 1024 * 1024, 0x61));
    const chunks = cut(big, Array.from({ length: 2000 }, (_, i) => (i + 1) * 4096));
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const [[, , v]] = parseAll(chunks);
      expect(v.length).toBe(8 * 1024 * 1024);
      // Re-joining the pending bytes on every chunk would call concat ~2000 times.
      expect(concat.mock.calls.length).toBeLessThan(5);
    } finally {
      concat.mockRestore();
    }
  });
});

describe('splitInline (sdssplitargs)', () => {
  it('handles quotes and escapes like Redis', () => {
    expect(splitInline('set "a b" \'c d\'')).toEqual(['set', 'a b', 'c d']);
    expect(splitInline('set k "\\x41\\n\\t\\"q"')).toEqual(['set', 'k', 'A\n\t"q']);
    expect(splitInline("set k 'it\\'s'")).toEqual(['set', 'k', "it's"]);
    expect(splitInline('set ab"c d"')).toEqual(['set', 'abc d']);
    expect(splitInline('   ')).toEqual([]);
  });

  it('rejects unbalanced quotes', () => {
    expect(() => splitInline('get "abc')).toThrow('unbalanced quotes in request');
    expect(() => splitInline('get "a"b')).toThrow('unbalanced quotes in request');
  });
});
