/**
 * Incremental parser of Redis client requests: RESP multibulk (`*N\r\n$L\r\n...`) and inline
 * commands (`PING\r\n`, as telnet and redis-cli send them). Feed it TCP chunks in any split:
 * many commands in one chunk, one command across many. Arguments come out as latin1 strings,
 * which map every byte to one UTF-16 unit, so keys and values stay binary-safe and the byte
 * length of an argument is its `.length`.
 *
 * The parser keeps its place inside a command between chunks, and while a large bulk is
 * incomplete it only collects chunks (no re-parse, no concat) until enough bytes have arrived,
 * so a value split over N chunks costs O(size), not O(size * N).
 */

/** Bad framing: Redis replies `-ERR Protocol error: ...` and closes the connection. */
export class RespProtocolError extends Error {
  override name = 'RespProtocolError';
}

// Redis's own limits (server.h): longer lines without CRLF are an attack or a bug.
const MAX_INLINE = 64 * 1024;
const MAX_MULTIBULK = 1024 * 1024;
const MAX_BULK = 512 * 1024 * 1024;

const CR = 13;
const LF = 10;
const EMPTY = Buffer.alloc(0);

export class RespRequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Chunks that arrived while `missing` bytes were still needed; joined once when complete. */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private missing = 0;
  /** The command being read: arguments still expected (-1: between commands) and those read. */
  private argsLeft = -1;
  private args: string[] = [];
  /** Length of the bulk whose header was read (-1: expecting a `$` header next). */
  private bulkLen = -1;

  constructor(private readonly onCommand: (args: string[]) => void) {}

  /** Parse a chunk, calling onCommand for each complete command. Throws RespProtocolError. */
  feed(chunk: Buffer): void {
    if (this.missing > chunk.length) {
      this.parts.push(chunk);
      this.partsBytes += chunk.length;
      this.missing -= chunk.length;
      return;
    }
    if (this.parts.length === 0) {
      this.buf = chunk;
    } else {
      this.parts.push(chunk);
      this.buf = Buffer.concat(this.parts, this.partsBytes + chunk.length);
      this.parts = [];
      this.partsBytes = 0;
    }
    this.pos = 0;
    this.missing = 0;
    this.parse();
    const rest = this.buf.length - this.pos;
    if (rest > 0) {
      // Keep a view (no copy): the tail is small unless a big bulk is arriving.
      this.parts.push(this.buf.subarray(this.pos));
      this.partsBytes = rest;
    }
    this.buf = EMPTY;
    this.pos = 0;
  }

  private parse(): void {
    const buf = this.buf;
    while (this.pos < buf.length) {
      if (this.argsLeft < 0) {
        if (buf[this.pos] === 0x2a /* '*' */) {
          const n = this.readIntLine('multibulk', MAX_MULTIBULK);
          if (n === undefined) return;
          // `*0` and `*-1` are ignored, as Redis does.
          if (n > 0) {
            this.argsLeft = n;
            this.args = [];
          }
        } else if (!this.readInline()) {
          return;
        }
        continue;
      }
      if (this.bulkLen < 0) {
        if (buf[this.pos] !== 0x24 /* '$' */) {
          throw new RespProtocolError(`expected '$', got '${String.fromCharCode(buf[this.pos])}'`);
        }
        const len = this.readIntLine('bulk', MAX_BULK);
        if (len === undefined) return;
        this.bulkLen = len;
      }
      const end = this.pos + this.bulkLen;
      if (end + 2 > buf.length) {
        this.missing = end + 2 - buf.length;
        return;
      }
      // Like Redis, the two bytes after a bulk are skipped unchecked (they should be CRLF).
      this.args.push(buf.toString('latin1', this.pos, end));
      this.pos = end + 2;
      this.bulkLen = -1;
      if (--this.argsLeft === 0) {
        this.argsLeft = -1;
        const args = this.args;
        this.args = [];
        this.onCommand(args);
      }
    }
  }

  /**
   * Read `<type char><integer>\r\n` at pos. Returns undefined when the line is incomplete.
   * Rejects what Redis rejects: non-digits, and lengths above its limits.
   */
  private readIntLine(kind: 'multibulk' | 'bulk', max: number): number | undefined {
    const buf = this.buf;
    const lf = buf.indexOf(LF, this.pos);
    if (lf < 0) {
      if (buf.length - this.pos > MAX_INLINE) throw new RespProtocolError(`too big ${kind === 'bulk' ? 'bulk' : 'mbulk'} count string`);
      this.missing = 1;
      return undefined;
    }
    const eol = lf > this.pos && buf[lf - 1] === CR ? lf - 1 : lf;
    const text = buf.toString('latin1', this.pos + 1, eol);
    const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
    // A multibulk count may be <= 0 (ignored); a bulk length may not.
    const ok = kind === 'multibulk' ? n <= max : n >= 0 && n <= max;
    if (!ok || Number.isNaN(n)) throw new RespProtocolError(`invalid ${kind} length`);
    this.pos = lf + 1;
    return n;
  }

  /** Read one inline command line at pos; false when the line is incomplete. */
  private readInline(): boolean {
    const buf = this.buf;
    const lf = buf.indexOf(LF, this.pos);
    if (lf < 0) {
      if (buf.length - this.pos > MAX_INLINE) throw new RespProtocolError('too big inline request');
      this.missing = 1;
      return false;
    }
    const eol = lf > this.pos && buf[lf - 1] === CR ? lf - 1 : lf;
    const line = buf.toString('latin1', this.pos, eol);
    this.pos = lf + 1;
    const args = splitInline(line);
    if (args.length > 0) this.onCommand(args);
    return true;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };
const HEX2 = /^[0-9a-fA-F]{2}$/;

/**
 * Split an inline command line exactly like Redis's sdssplitargs: blanks separate arguments; a
 * quote anywhere opens a quoted part; "double quotes" take \-escapes (\n, \xHH, ...), 'single
 * quotes' only \'; a closing quote must be followed by a blank or the end of the line.
 */
export function splitInline(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= n) break;
    const parts: string[] = [];
    // An unquoted run up to a blank or a quote, sliced in one piece; a quote ends the argument.
    let j = i;
    while (j < n && line[j] !== ' ' && line[j] !== '\t' && line[j] !== '"' && line[j] !== "'") j++;
    if (j > i) parts.push(line.slice(i, j));
    i = j;
    if (i < n && (line[i] === '"' || line[i] === "'")) {
      i = readQuoted(line, i, parts);
      if (i < n && line[i] !== ' ' && line[i] !== '\t') throw new RespProtocolError('unbalanced quotes in request');
    }
    out.push(parts.join(''));
  }
  return out;
}

/** Read the quoted part starting at line[start] (the quote) into parts; returns the index after it. */
function readQuoted(line: string, start: number, parts: string[]): number {
  const quote = line[start];
  const n = line.length;
  let i = start + 1;
  let from = i;
  for (;;) {
    if (i >= n) throw new RespProtocolError('unbalanced quotes in request');
    const c = line[i];
    if (c === quote) {
      parts.push(line.slice(from, i));
      return i + 1;
    }
    if (c === '\\' && i + 1 < n) {
      const e = line[i + 1];
      if (quote === "'") {
        if (e !== "'") {
          i++;
          continue;
        }
        parts.push(line.slice(from, i), "'");
        i += 2;
      } else if (e === 'x' && HEX2.test(line.slice(i + 2, i + 4))) {
        parts.push(line.slice(from, i), String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16)));
        i += 4;
      } else {
        parts.push(line.slice(from, i), ESCAPES[e] ?? e);
        i += 2;
      }
      from = i;
      continue;
    }
    i++;
  }
}
