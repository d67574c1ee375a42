/**
 * Circuit breaker per provider. CLOSED -> OPEN after `failureThreshold` consecutive failures;
 * OPEN -> HALF_OPEN once `cooldownMs` has passed (checked when the next call asks, so the state is
 * reachable without a timer); HALF_OPEN lets `halfOpenProbes` calls through at a time, goes back
 * to OPEN on a failure and to CLOSED after `successThreshold` successes.
 */
import type { BreakerConfig } from '../config.ts';
import type { CircuitState } from '../metrics/types.ts';

export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
  constructor(readonly provider: string, readonly retryInMs: number) {
    super(`${provider} circuit is open (provider failing); retry in ${Math.ceil(retryInMs)} ms`);
  }
}

export class CircuitBreaker {
  private s: CircuitState = 'CLOSED';
  private failures = 0;
  private successes = 0;
  private probes = 0;
  private openedAt = 0;

  constructor(
    readonly name: string,
    private readonly cfg: BreakerConfig,
    private readonly onChange: (from: CircuitState, to: CircuitState) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get state(): CircuitState {
    return this.s;
  }

  /** Ask to make one call; throws CircuitOpenError when it may not. Pair with success/failure/abandon. */
  acquire(): void {
    if (this.s === 'OPEN') {
      const waited = this.now() - this.openedAt;
      if (waited < this.cfg.cooldownMs) throw new CircuitOpenError(this.name, this.cfg.cooldownMs - waited);
      this.move('HALF_OPEN');
    }
    if (this.s === 'HALF_OPEN') {
      if (this.probes >= this.cfg.halfOpenProbes) throw new CircuitOpenError(this.name, 0);
      this.probes++;
    }
  }

  success(): void {
    if (this.s === 'HALF_OPEN') {
      this.probes--;
      if (++this.successes >= this.cfg.successThreshold) this.move('CLOSED');
      return;
    }
    this.failures = 0;
  }

  failure(): void {
    if (this.s === 'HALF_OPEN') {
      this.probes--;
      this.move('OPEN');
      return;
    }
    if (this.s === 'CLOSED' && ++this.failures >= this.cfg.failureThreshold) this.move('OPEN');
  }

  /** The call was cancelled by its client: says nothing about the provider's health. */
  abandon(): void {
    if (this.s === 'HALF_OPEN') this.probes--;
  }

  private move(to: CircuitState): void {
    const from = this.s;
    if (from === to) return;
    this.s = to;
    this.failures = 0;
    this.successes = 0;
    if (to === 'OPEN') this.openedAt = this.now();
    if (to !== 'HALF_OPEN') this.probes = 0;
    this.onChange(from, to);
  }
}
