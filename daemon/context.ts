/**
 * The daemon's parts as one object a Connection is built with. Assembled by app.ts (the real
 * daemon) and hot-path.ts (in process, no I/O), from the same constructors.
 */
import type { DaemonConfig } from './config.ts';
import type { MetricsBackend } from './metrics/types.ts';
import type { LiveState } from './live-state.ts';
import type { ToolRegistry } from './tools/registry.ts';
import type { RateLimiter } from './resilience/rate-limiter.ts';
import type { SessionRegistry } from './session/session-registry.ts';
import type { CallManager } from './calls/call-manager.ts';

export interface DaemonContext {
  readonly config: DaemonConfig;
  readonly metrics: MetricsBackend;
  readonly live: LiveState;
  readonly tools: ToolRegistry;
  /** null when EXAI_RATE_LIMIT=off. */
  readonly rateLimiter: RateLimiter | null;
  readonly sessions: SessionRegistry;
  readonly calls: CallManager;
  /** Diagnostics that are not frames (store failures in the background); stderr in the daemon. */
  readonly log: (line: string) => void;
}
