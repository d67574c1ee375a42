/**
 * Assemble the daemon's parts from a config, a metrics backend and its store clients. The real
 * daemon (app.ts) passes Redis/Supabase clients; the hot path passes none and gets memory stores.
 * Each part is given, through its constructor, only the parts it uses; the whole set is what a
 * Connection is built with (ConnectionDeps), plus the config for the server around them.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { DaemonConfig, ProviderConfig } from './config.ts';
import type { MetricsBackend } from './metrics/types.ts';
import { LiveState } from './live-state.ts';
import { ToolRegistry } from './tools/registry.ts';
import { createStatusTool } from './tools/status.ts';
import { echoTool } from './tools/echo.ts';
import { createChatTool } from './pipeline/chat-tool.ts';
import { ProviderClient } from './pipeline/provider-client.ts';
import { CircuitBreaker } from './resilience/circuit-breaker.ts';
import { Semaphore } from './resilience/semaphore.ts';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './resilience/rate-limiter.ts';
import { createSessionStore } from './stores/session-store.ts';
import { createPendingQueue } from './stores/pending-queue.ts';
import { createResultCache } from './stores/result-cache.ts';
import { createConversationStore } from './stores/conversation-store.ts';
import { SessionRegistry } from './session/session-registry.ts';
import { CallManager } from './calls/call-manager.ts';
import type { ConnectionDeps } from './connection/connection.ts';
import { SendPath } from './send/send-path.ts';
import { createUsageLedger } from './pipeline/usage-quota.ts';
import { SessionRows } from './stores/session-rows.ts';
import { Auditor } from './pipeline/auditor.ts';
import { createUploadFileTool } from './pipeline/upload-file-tool.ts';

export interface StoreClients {
  redis: Redis | null;
  supabase: SupabaseClient | null;
}

/** The daemon's parts, built once: every Connection is built with them. */
export interface DaemonParts extends ConnectionDeps {
  readonly config: DaemonConfig;
  /** The call semaphores, for the dashboard to show their use. */
  readonly semaphores: { global: Semaphore; GLM: Semaphore; KIMI: Semaphore };
  /** The periodic auditor (EXAI_AUDITOR); app.ts starts and closes it. */
  readonly auditor: Auditor | null;
}

export function buildParts(
  config: DaemonConfig,
  metrics: MetricsBackend,
  clients: StoreClients,
  log: (line: string) => void,
): DaemonParts {
  const live = new LiveState();
  const { redis } = clients;
  const sessionStore = createSessionStore(redis, config.sessionTtlSec);

  const provider = (cfg: ProviderConfig): ProviderClient => {
    const breaker = new CircuitBreaker(cfg.name, config.breaker, (from, to) => {
      live.circuit(cfg.name, to);
      metrics.circuitChange(cfg.name, from, to);
      log(`circuit ${cfg.name}: ${from} -> ${to}`);
    });
    live.circuit(cfg.name, breaker.state);
    const policy = { maxRetries: config.providerMaxRetries, baseMs: config.retryBaseMs, maxMs: config.retryMaxMs };
    return new ProviderClient(cfg, breaker, policy, config.providerTimeoutSec * 1000);
  };
  const chatDeps = {
    metrics,
    sessions: sessionStore,
    cache: createResultCache(redis, config.cacheTtlSec),
    conversations: createConversationStore(clients.supabase),
    providers: { GLM: provider(config.glm), KIMI: provider(config.kimi) },
    globalSemaphore: new Semaphore(config.maxInflight),
    providerSemaphores: { GLM: new Semaphore(config.glmMaxInflight), KIMI: new Semaphore(config.kimiMaxInflight) },
    historyLimit: config.historyLimit,
    usage: config.usage || config.sessionTokenQuota > 0 ? createUsageLedger(redis, config.sessionTokenQuota, config.sessionTtlSec) : null,
  };
  const tools = new ToolRegistry([
    createStatusTool(live, metrics.name),
    echoTool,
    createChatTool('chat', 'Chat with the default provider (GLM) through the full pipeline.', chatDeps),
    createChatTool('glm_chat', 'Chat with GLM (Zhipu) through the full pipeline.', chatDeps),
    createChatTool('kimi_chat', 'Chat with Kimi (Moonshot) through the full pipeline.', chatDeps),
    ...(clients.supabase ? [createUploadFileTool({ db: clients.supabase, providers: chatDeps.providers })] : []),
  ]);

  let rateLimiter: RateLimiter | null = null;
  if (config.rateLimit) {
    const limits = { global: config.rateGlobal, ip: config.rateIp, session: config.rateSession, abuseStrikes: config.rateAbuseStrikes };
    rateLimiter = redis ? new RedisRateLimiter(redis, limits, { syncMs: config.rateSyncMs, log }) : new MemoryRateLimiter(limits);
  }

  const sessions = new SessionRegistry(sessionStore, createPendingQueue(redis, config.pendingMax, config.pendingTtlSec), metrics, log);
  const auditor = config.auditor.on ? new Auditor(clients.supabase, { ...config.auditor, metrics, log }) : null;
  const calls = new CallManager(
    tools,
    live,
    { metrics, sessions, log, toolTimeoutSec: config.toolTimeoutSec, progressIntervalSec: config.progressIntervalSec, auditor },
    config.benchBurnUs,
  );
  const semaphores = { global: chatDeps.globalSemaphore, ...chatDeps.providerSemaphores };
  const sendPath = SendPath.wanted(config.send)
    ? new SendPath(config.send, metrics, (from, to) => {
        live.circuit('send', to);
        metrics.circuitChange('send', from, to);
        log(`circuit send: ${from} -> ${to}`);
      })
    : null;
  if (sendPath?.breaker) live.circuit('send', sendPath.breaker.state);
  const usage = chatDeps.usage;
  const sessionRows = config.sessionsTable && clients.supabase
    ? new SessionRows(clients.supabase, {
        ttlSec: config.sessionTtlSec, instanceId: `${hostname()}:${process.pid}`, metrics, log,
        usage: usage ? (sid) => usage.usage(sid) : undefined,
      })
    : null;
  return { config, metrics, live, tools, rateLimiter, sessions, calls, log, semaphores, sendPath, sessionRows, auditor };
}
