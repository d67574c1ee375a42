/**
 * A minimal RESP client for tests and tools that must see replies exactly as sent: status vs
 * bulk, error text, RESP3 map vs array, nil kinds. Commands go out as multibulk arrays of
 * latin1 strings (binary-safe, like the fake's own parser), one at a time, replies come back
 * as a tagged tree.
 */
import net from 'node:net';

export type Reply =
  | { t: '+'; v: string }
  | { t: '-'; v: string }
  | { t: ':'; v: string }
  | { t: '$'; v: string | null }
  | { t: '*'; v: Reply[] | null }
  | { t: '%'; v: Array<[Reply, Reply]> }
  | { t: '~'; v: Reply[] }
  | { t: '_' }
  | { t: ','; v: string }
  | { t: '#'; v: boolean }
  | { t: '('; v: string }
  | { t: '='; v: string };

export function encodeCommand(args: readonly (string | number)[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    out += `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
  }
  return out;
}

/** Parse one reply at `pos` of a latin1 string; undefined when it is not complete yet. */
export function parseReply(s: string, pos: number): { reply: Reply; end: number } | undefined {
  const nl = s.indexOf('\r\n', pos);
  if (nl < 0) return undefined;
  const type = s[pos];
  const line = s.slice(pos + 1, nl);
  let at = nl + 2;
  switch (type) {
    case '+': case '-': case ':': case ',': case '(':
      return { reply: { t: type, v: line } as Reply, end: at };
    case '_':
      return { reply: { t: '_' }, end: at };
    case '#':
      return { reply: { t: '#', v: line === 't' }, end: at };
    case '$': case '=': {
      const n = Number(line);
      if (n < 0) return { reply: { t: '$', v: null }, end: at };
      if (s.length < at + n + 2) return undefined;
      return { reply: { t: type, v: s.slice(at, at + n) } as Reply, end: at + n + 2 };
    }
    case '*': case '~': case '%': {
      const n = Number(line);
      if (n < 0) return { reply: { t: '*', v: null }, end: at };
      const items: Reply[] = [];
      for (let i = 0; i < (type === '%' ? 2 * n : n); i++) {
        const r = parseReply(s, at);
        if (!r) return undefined;
        items.push(r.reply);
        at = r.end;
      }
      if (type === '%') {
        const pairs: Array<[Reply, Reply]> = [];
        for (let i = 0; i < items.length; i += 2) pairs.push([items[i], items[i + 1]]);
        return { reply: { t: '%', v: pairs }, end: at };
      }
      return { reply: { t: type, v: items } as Reply, end: at };
    }
    default:
      throw new Error(`unexpected reply type ${JSON.stringify(type)} in ${JSON.stringify(s.slice(pos, pos + 80))}`);
  }
}

export class RawClient {
  private buf = '';
  private waiting: Array<(r: Reply) => void> = [];
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      for (;;) {
        const r = parseReply(this.buf, 0);
        if (!r) break;
        this.buf = this.buf.slice(r.end);
        this.waiting.shift()?.(r.reply);
      }
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const w of this.waiting.splice(0)) w({ t: '-', v: `(connection: ${e.message})` });
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('closed')));
  }

  static connect(url: string): Promise<RawClient> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(u.port || 6379), u.hostname || '127.0.0.1');
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.setNoDelay(true);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Send one command and wait for its reply. */
  call(args: readonly (string | number)[]): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(encodeCommand(args), 'latin1');
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
