/**
 * The daemon's configuration: environment variables only (the real daemon's names), defaults in one
 * place, every value checked at start. All problems are collected and reported together, one line
 * each naming the variable, so a user fixes them in one go (exit 2, see main.ts).
 */
import { BACKEND_NAMES, FAST_FLUSH_MS, FAST_ROLLUP_MS, type BackendName } from './metrics/types.ts';

export interface BucketSpec {
  capacity: number;
  refillPerSec: number;
}

export interface DaemonConfig {
  host: string;
  port: number;
  token: string | null;
  maxBytes: number;
  pingIntervalSec: number;
  pingTimeoutSec: number;
  helloTimeoutSec: number;
  progressIntervalSec: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  rateLimit: boolean;
  rateGlobal: BucketSpec;
  rateIp: BucketSpec;
  rateSession: BucketSpec;
  /** Per-session refusals (leaking at its refill rate) before the connection is closed 4029; 0 = never. */
  rateAbuseStrikes: number;
  /** With Redis: how often the locally taken tokens are sent to the shared buckets, in one batch. */
  rateSyncMs: number;
  maxInflight: number;
  kimiMaxInflight: number;
  glmMaxInflight: number;
  monitoringHost: string;
  monitoringPort: number;
  redisUrl: string | null;
  supabaseUrl: string | null;
  supabaseKey: string | null;
  glm: ProviderConfig;
  kimi: ProviderConfig;
  metricsBackend: BackendName;
  toolTimeoutSec: number;
  providerTimeoutSec: number;
  providerMaxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  breaker: BreakerConfig;
  historyLimit: number;
  cacheTtlSec: number;
  sessionTtlSec: number;
  pendingMax: number;
  pendingTtlSec: number;
  /** Above this many buffered send bytes, progress frames are dropped. */
  sendSoftBytes: number;
  /** Above this many buffered send bytes, the connection is closed (the client is not reading). */
  sendHardBytes: number;
  /** Calibration only: microseconds of busy CPU spun per tool call (0 = off). */
  benchBurnUs: number;
  /** EXAI_CPU_PROFILE (or `--cpu-profile FILE`): write a V8 CPU profile of the whole run there on shutdown; null = off. */
  cpuProfile: string | null;
  /** The live dashboard (daemon/dashboard/): null = off. */
  dashboardHost: string;
  dashboardPort: number | null;
  /** Seconds between the dashboard feed's periodic updates. */
  dashboardIntervalSec: number;
  /** The seed's send path (daemon/send/): each part on or off, so its cost can be measured apart. */
  send: SendPathConfig;
  /** Record provider token usage per call (Redis, per session). */
  usage: boolean;
  /** Tokens a session may spend (0 = no quota); a quota turns usage recording on. */
  sessionTokenQuota: number;
  /** Write `sessions` rows on connect and disconnect (needs SUPABASE_URL). */
  sessionsTable: boolean;
  /** The periodic auditor: samples calls into `auditor_observations`. */
  auditor: { on: boolean; sampleRate: number; intervalSec: number; slowMs: number };
  /**
   * Where a backend that aggregates across instances (fast) writes: Redis (per-instance counters
   * the cluster view sums), Supabase (`metrics_rollups` rows), or both (default). With the flush
   * and roll-up periods, the seed's question "aggregate in Redis or in Supabase?" is a variant.
   */
  metricsSinks: { redis: boolean; supabase: boolean; flushMs: number | null; rollupMs: number | null };
}

export interface SendPathConfig {
  /** Drop an outgoing frame whose canonical-JSON hash was sent on the same connection within dedupTtlSec. */
  dedup: boolean;
  dedupTtlSec: number;
  /** One daemon-wide breaker on sends; while OPEN, critical frames are queued and the rest dropped. */
  breaker: boolean;
  breakerConfig: BreakerConfig;
  /** Retry queued critical frames with exponential backoff until they expire. */
  retry: boolean;
  retryMax: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Queued frames older than this are dropped. */
  queueTtlSec: number;
  /** Per session; the oldest is dropped when full. */
  queueMax: number;
}

export interface ProviderConfig {
  name: 'GLM' | 'KIMI';
  baseUrl: string;
  apiKey: string;
  defaultModel: string;
}

export interface BreakerConfig {
  failureThreshold: number;
  cooldownMs: number;
  halfOpenProbes: number;
  successThreshold: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.map((p) => `daemon: ${p}`).join('\n'));
  }
}

type Env = Record<string, string | undefined>;

/** Reads one variable at a time, remembering every problem instead of stopping at the first. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  str(name: string, def: string): string {
    return this.raw(name) ?? def;
  }

  optional(name: string): string | null {
    return this.raw(name) ?? null;
  }

  int(name: string, def: number, min: number, max: number, alias?: string): number {
    const v = this.raw(name) ?? (alias ? this.raw(alias) : undefined);
    if (v === undefined) return def;
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      this.problems.push(`${this.raw(name) !== undefined ? name : alias} must be an integer ${min}..${max}, got ${JSON.stringify(v)}`);
      return def;
    }
    return n;
  }

  /** Seconds may be fractional (tests use 0.05 s progress intervals). */
  num(name: string, def: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      this.problems.push(`${name} must be a number ${min}..${max}, got ${JSON.stringify(v)}`);
      return def;
    }
    return n;
  }

  /** A port, or `off` (null). */
  portOrOff(name: string, def: number | null): number | null {
    const v = this.raw(name);
    if (v !== undefined && v.trim().toLowerCase() === 'off') return null;
    return this.int(name, def ?? 0, 0, MAX_PORT);
  }

  onOff(name: string, def: boolean): boolean {
    return this.oneOf(name, def ? 'on' : 'off', ['on', 'off'] as const) === 'on';
  }

  oneOf<T extends string>(name: string, def: T, allowed: readonly T[]): T {
    const v = this.raw(name);
    if (v === undefined) return def;
    if (!(allowed as readonly string[]).includes(v)) {
      this.problems.push(`${name} must be one of ${allowed.join('|')}, got ${JSON.stringify(v)}`);
      return def;
    }
    return v as T;
  }

  url(name: string, def: string | null, protocols: string[]): string | null {
    const v = this.raw(name);
    if (v === undefined) return def;
    let ok = false;
    try {
      ok = protocols.includes(new URL(v).protocol);
    } catch {
      ok = false;
    }
    if (!ok) {
      this.problems.push(`${name} must be a ${protocols.map((p) => p.replace(':', '')).join('|')} URL, got ${JSON.stringify(v)}`);
      return def;
    }
    return v;
  }

  /** "capacity/refillPerSec", e.g. "1000/100". */
  bucket(name: string, def: BucketSpec): BucketSpec {
    const v = this.raw(name);
    if (v === undefined) return def;
    const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(v.trim());
    if (!m || Number(m[1]) < 1 || Number(m[2]) <= 0) {
      this.problems.push(`${name} must be CAPACITY/REFILL_PER_SEC (e.g. 1000/100), got ${JSON.stringify(v)}`);
      return def;
    }
    return { capacity: Number(m[1]), refillPerSec: Number(m[2]) };
  }

  nonEmpty(name: string, value: string): void {
    if (value.trim() === '') this.problems.push(`${name} must not be empty`);
  }
}

const MiB = 1024 * 1024;
const MAX_PORT = 65535;

/** Parse and validate the daemon's environment. Throws ConfigError listing every problem. */
export function parseConfig(env: Env = process.env): DaemonConfig {
  const r = new EnvReader(env);
  const cfg: DaemonConfig = {
    host: r.str('EXAI_WS_HOST', '127.0.0.1'),
    port: r.int('EXAI_WS_PORT', 8079, 0, MAX_PORT, 'PORT'),
    token: r.optional('EXAI_WS_TOKEN'),
    maxBytes: r.int('EXAI_WS_MAX_BYTES', 32 * MiB, 1024, 1024 * MiB),
    pingIntervalSec: r.num('EXAI_WS_PING_INTERVAL', 30, 0.01, 86_400),
    pingTimeoutSec: r.num('EXAI_WS_PING_TIMEOUT', 10, 0.01, 86_400),
    helloTimeoutSec: r.num('EXAI_WS_HELLO_TIMEOUT', 15, 0.01, 86_400),
    progressIntervalSec: r.num('EXAI_WS_PROGRESS_INTERVAL_SECS', 5, 0.01, 86_400),
    maxConnections: r.int('EXAI_MAX_CONNECTIONS', 1000, 1, 1_000_000),
    maxConnectionsPerIp: r.int('EXAI_MAX_CONNECTIONS_PER_IP', 10, 1, 1_000_000),
    rateLimit: r.oneOf('EXAI_RATE_LIMIT', 'on', ['on', 'off'] as const) === 'on',
    rateGlobal: r.bucket('EXAI_RATE_GLOBAL', { capacity: 1000, refillPerSec: 100 }),
    rateIp: r.bucket('EXAI_RATE_IP', { capacity: 100, refillPerSec: 10 }),
    rateSession: r.bucket('EXAI_RATE_SESSION', { capacity: 50, refillPerSec: 5 }),
    rateAbuseStrikes: r.int('EXAI_RATE_ABUSE_STRIKES', 200, 0, 1_000_000_000),
    rateSyncMs: r.int('EXAI_RATE_SYNC_MS', 100, 1, 60_000),
    maxInflight: r.int('EXAI_MAX_INFLIGHT', 24, 1, 100_000),
    kimiMaxInflight: r.int('EXAI_KIMI_MAX_INFLIGHT', 6, 1, 100_000),
    glmMaxInflight: r.int('EXAI_GLM_MAX_INFLIGHT', 4, 1, 100_000),
    monitoringHost: r.str('EXAI_MONITORING_HOST', '127.0.0.1'),
    monitoringPort: r.int('EXAI_MONITORING_PORT', 8082, 0, MAX_PORT),
    redisUrl: r.url('REDIS_URL', null, ['redis:', 'rediss:']),
    supabaseUrl: r.url('SUPABASE_URL', null, ['http:', 'https:']),
    supabaseKey: r.optional('SUPABASE_KEY'),
    glm: {
      name: 'GLM',
      baseUrl: r.url('GLM_API_URL', 'https://api.z.ai/api/paas/v4', ['http:', 'https:'])!,
      apiKey: r.str('GLM_API_KEY', 'missing-glm-key'),
      defaultModel: r.str('GLM_MODEL', 'glm-4.5-flash'),
    },
    kimi: {
      name: 'KIMI',
      baseUrl: r.url('KIMI_API_URL', 'https://api.moonshot.ai/v1', ['http:', 'https:'])!,
      apiKey: r.str('KIMI_API_KEY', 'missing-kimi-key'),
      defaultModel: r.str('KIMI_MODEL', 'kimi-k2-0905-preview'),
    },
    metricsBackend: r.oneOf('METRICS_BACKEND', 'fast', BACKEND_NAMES),
    toolTimeoutSec: r.num('EXAI_TOOL_TIMEOUT_SECS', 300, 0.01, 86_400),
    providerTimeoutSec: r.num('EXAI_PROVIDER_TIMEOUT_SECS', 60, 0.01, 86_400),
    providerMaxRetries: r.int('EXAI_PROVIDER_MAX_RETRIES', 3, 0, 100),
    retryBaseMs: r.num('EXAI_RETRY_BASE_MS', 250, 0, 600_000),
    retryMaxMs: r.num('EXAI_RETRY_MAX_MS', 10_000, 0, 600_000),
    breaker: {
      failureThreshold: r.int('EXAI_CB_FAILURE_THRESHOLD', 5, 1, 1_000_000),
      cooldownMs: r.num('EXAI_CB_COOLDOWN_MS', 30_000, 0, 86_400_000),
      halfOpenProbes: r.int('EXAI_CB_HALF_OPEN_PROBES', 1, 1, 1_000_000),
      successThreshold: r.int('EXAI_CB_SUCCESS_THRESHOLD', 2, 1, 1_000_000),
    },
    historyLimit: r.int('EXAI_HISTORY_LIMIT', 10, 0, 10_000),
    cacheTtlSec: r.int('EXAI_CACHE_TTL_SECS', 300, 1, 86_400 * 30),
    sessionTtlSec: r.int('EXAI_SESSION_TTL_SECS', 3600, 1, 86_400 * 30),
    pendingMax: r.int('EXAI_PENDING_MAX', 100, 0, 1_000_000),
    pendingTtlSec: r.int('EXAI_PENDING_TTL_SECS', 600, 1, 86_400 * 30),
    sendSoftBytes: r.int('EXAI_WS_SEND_SOFT_BYTES', 1 * MiB, 0, 1024 * MiB),
    sendHardBytes: r.int('EXAI_WS_SEND_HARD_BYTES', 8 * MiB, 1, 1024 * MiB),
    benchBurnUs: r.int('EXAI_BENCH_BURN_US', 0, 0, 1_000_000),
    cpuProfile: r.optional('EXAI_CPU_PROFILE'),
    dashboardHost: r.str('EXAI_DASHBOARD_HOST', '127.0.0.1'),
    dashboardPort: r.portOrOff('EXAI_DASHBOARD_PORT', 8080),
    dashboardIntervalSec: r.num('EXAI_DASHBOARD_INTERVAL_SECS', 5, 0.05, 86_400),
    // The seed's values (src/monitoring/websocket_config.py); every part off unless asked for.
    send: {
      dedup: r.onOff('EXAI_SEND_DEDUP', false),
      dedupTtlSec: r.num('EXAI_SEND_DEDUP_TTL_SECS', 300, 0.01, 86_400),
      breaker: r.onOff('EXAI_SEND_BREAKER', false),
      breakerConfig: {
        failureThreshold: r.int('EXAI_SEND_CB_FAILURE_THRESHOLD', 5, 1, 1_000_000),
        cooldownMs: r.num('EXAI_SEND_CB_COOLDOWN_MS', 60_000, 0, 86_400_000),
        halfOpenProbes: r.int('EXAI_SEND_CB_HALF_OPEN_PROBES', 3, 1, 1_000_000),
        successThreshold: r.int('EXAI_SEND_CB_SUCCESS_THRESHOLD', 2, 1, 1_000_000),
      },
      retry: r.onOff('EXAI_SEND_RETRY', false),
      retryMax: r.int('EXAI_SEND_RETRY_MAX', 5, 0, 1000),
      retryBaseMs: r.num('EXAI_SEND_RETRY_BASE_MS', 1000, 1, 600_000),
      retryMaxMs: r.num('EXAI_SEND_RETRY_MAX_MS', 60_000, 1, 3_600_000),
      queueTtlSec: r.num('EXAI_SEND_QUEUE_TTL_SECS', 300, 0.01, 86_400),
      queueMax: r.int('EXAI_SEND_QUEUE_MAX', 1000, 1, 1_000_000),
    },
    metricsSinks: {
      ...(({ both: { redis: true, supabase: true }, redis: { redis: true, supabase: false }, supabase: { redis: false, supabase: true }, none: { redis: false, supabase: false } } as const)[
        r.oneOf('EXAI_METRICS_SINKS', 'both', ['both', 'redis', 'supabase', 'none'] as const)
      ]),
      flushMs: r.optional('EXAI_METRICS_FLUSH_MS') === null ? null : r.int('EXAI_METRICS_FLUSH_MS', FAST_FLUSH_MS, 10, 3_600_000),
      rollupMs: r.optional('EXAI_METRICS_ROLLUP_MS') === null ? null : r.int('EXAI_METRICS_ROLLUP_MS', FAST_ROLLUP_MS, 10, 86_400_000),
    },
    usage: r.onOff('EXAI_USAGE', false),
    sessionTokenQuota: r.int('EXAI_SESSION_TOKEN_QUOTA', 0, 0, Number.MAX_SAFE_INTEGER),
    sessionsTable: r.onOff('EXAI_SESSIONS_TABLE', false),
    auditor: {
      on: r.onOff('EXAI_AUDITOR', false),
      sampleRate: r.num('EXAI_AUDITOR_SAMPLE', 0.1, 0, 1),
      intervalSec: r.num('EXAI_AUDITOR_INTERVAL_SECS', 10, 0.01, 86_400),
      slowMs: r.num('EXAI_AUDITOR_SLOW_MS', 5000, 0, 86_400_000),
    },
  };
  r.nonEmpty('EXAI_WS_HOST', cfg.host);
  r.nonEmpty('EXAI_MONITORING_HOST', cfg.monitoringHost);
  r.nonEmpty('EXAI_DASHBOARD_HOST', cfg.dashboardHost);
  if (cfg.token !== null && cfg.token.trim() === '') r.problems.push('EXAI_WS_TOKEN must not be blank');
  if (cfg.sendSoftBytes > cfg.sendHardBytes) {
    r.problems.push(`EXAI_WS_SEND_SOFT_BYTES (${cfg.sendSoftBytes}) must not exceed EXAI_WS_SEND_HARD_BYTES (${cfg.sendHardBytes})`);
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return cfg;
}

/** The defaults, for in-process users (tests, hot path) that override a few fields. */
export function defaultConfig(overrides: Partial<DaemonConfig> = {}): DaemonConfig {
  return { ...parseConfig({}), ...overrides };
}
