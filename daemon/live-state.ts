/**
 * What the daemon knows about itself right now, kept in memory so `status` and `/stats` answer with
 * no I/O. `version` changes whenever a field does, so readers can cache what they render from it.
 */
import type { CircuitState } from './metrics/types.ts';

export class LiveState {
  readonly startedAtMs = performance.now();
  connections = 0;
  inflight = 0;
  version = 0;
  readonly circuits: Record<string, CircuitState> = {};

  connectionOpened(): void {
    this.connections++;
    this.version++;
  }

  connectionClosed(): void {
    this.connections--;
    this.version++;
  }

  callStarted(): void {
    this.inflight++;
    this.version++;
  }

  callEnded(): void {
    this.inflight--;
    this.version++;
  }

  circuit(provider: string, state: CircuitState): void {
    this.circuits[provider] = state;
    this.version++;
  }
}
