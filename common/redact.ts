/**
 * Secrets never leave the process: env values whose names look secret (TOKEN, KEY, SECRET,
 * PASSWORD...) and the credentials part of any URL are replaced by REDACTED in everything written
 * to a file or a log. Three layers, because a secret travels: by name (an `env` record in a
 * result), by value (the same token inside a command line, a child's stderr, an error message),
 * and by shape (`redis://user:pass@host`, whatever its variable is called).
 */

export const REDACTED = '[redacted]';

/** Names that hold secrets: *TOKEN*, *KEY*, *SECRET*, *PASSWORD* (and the usual spellings around them). */
const SECRET_NAME = /TOKEN|KEY|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|AUTH/i;

/** Values shorter than this are redacted by name and shape only: replacing "ab" everywhere would wreck unrelated text. */
const MIN_VALUE_LENGTH = 6;

/** scheme://user:password@ or scheme://token@ (anything before an @ in the authority). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@'"`<>]+)@/gi;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** `redis://:pw@h:6379` -> `redis://[redacted]@h:6379`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}${REDACTED}@`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Knows the secret values of this process and removes them (and URL credentials) from text and data. */
export class Redactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | null = null;

  /** Remember one secret value (ignored when too short to replace safely; see MIN_VALUE_LENGTH). */
  addValue(value: string | undefined): this {
    if (value && value.length >= MIN_VALUE_LENGTH && !this.values.has(value)) {
      this.values.add(value);
      // Longest first, so a secret that contains another is removed whole.
      const sorted = [...this.values].sort((a, b) => b.length - a.length);
      this.pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    }
    return this;
  }

  /** Remember every value of `env` whose name looks secret, and the credentials of any URL in it. */
  addEnv(env: Record<string, string | undefined> | undefined): this {
    for (const [name, value] of Object.entries(env ?? {})) {
      if (value === undefined) continue;
      if (isSecretName(name)) this.addValue(value);
      for (const m of value.matchAll(URL_CREDENTIALS)) {
        this.addValue(m[2]);
        // user:password: the password alone may show up elsewhere too.
        const colon = m[2].indexOf(':');
        if (colon >= 0) this.addValue(m[2].slice(colon + 1));
      }
    }
    return this;
  }

  get size(): number {
    return this.values.size;
  }

  text(s: string): string {
    const known = this.pattern ? s.replace(this.pattern, REDACTED) : s;
    return redactUrlCredentials(known);
  }

  /**
   * A deep copy of plain data (JSON-like) with every string redacted, and every string value
   * under a secret-looking key replaced whole.
   */
  data<T>(value: T): T {
    return this.walk(value, false) as T;
  }

  private walk(value: unknown, secretKey: boolean): unknown {
    if (typeof value === 'string') return secretKey && value !== '' ? REDACTED : this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v, false));
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.walk(v, isSecretName(k))]));
    }
    return value;
  }
}

/** `env` with secret-named values and URL credentials redacted (for anything that records an env). */
export function redactEnv(env: Record<string, string>): Record<string, string> {
  return new Redactor().addEnv(env).data(env);
}

/**
 * This process's redactor, seeded with its own environment. Whatever learns of another secret
 * (a scenario's variant env) adds it here; every writer of files and logs reads through it.
 */
export const secrets = new Redactor().addEnv(process.env);

let installed = false;

/**
 * Route this process's stdout and stderr through `secrets`, so every log line (ours, a child's
 * tail quoted in an error, a stack) is redacted. Idempotent. Chunks are redacted one by one: a
 * secret split across two writes is not caught, which single-line writes never do.
 */
export function redactProcessOutput(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') return write(secrets.text(chunk), ...rest);
      if (chunk instanceof Uint8Array) return write(secrets.text(Buffer.from(chunk).toString('utf8')), ...rest);
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
