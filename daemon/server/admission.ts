/**
 * Connection limits, global and per client IP (EXAI-PROTOCOL.md "Admission"): over a limit the
 * server closes with 1008 and the real daemon's reason text.
 */
export class Admission {
  private total = 0;
  private readonly perIp = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerIp: number,
  ) {}

  /** null when admitted (and counted); else the close reason. */
  admit(ip: string): string | null {
    if (this.total >= this.maxTotal) return 'Server overloaded - global connection limit reached';
    const n = this.perIp.get(ip) ?? 0;
    if (n >= this.maxPerIp) return `Too many connections from your IP (${n}/${this.maxPerIp})`;
    this.total++;
    this.perIp.set(ip, n + 1);
    return null;
  }

  release(ip: string): void {
    this.total--;
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, n);
  }
}
