/**
 * The provider fake: an OpenAI-compatible chat completions server (Kimi's /v1, GLM's
 * /api/paas/v4, and bare /chat/completions) with latency models and fault injection.
 *
 *   POST <prefix>/chat/completions   the API (429 + Retry-After over the rpm/tpm limits)
 *   POST <prefix>/files              OpenAI-compatible file upload (multipart); GET <prefix>/files/{id}
 *   GET  /__stats                    request counters (ProviderStats)
 *   GET  /__control                  current behaviour
 *   POST /__control                  { latency?, ttft?, tokenDelay?, faults? } changes it (400 on bad input)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from '../common/running.ts';
import { createRng } from '../../common/latency.ts';
import { errorBody } from './bodies.ts';
import { handleChat, type ChatContext } from './chat.ts';
import {
  applyControl,
  describeBehaviour,
  initialBehaviour,
  ProviderConfigError,
  type Behaviour,
  type ProviderFakeOptions,
} from './config.ts';
import { readBody, sendJson } from './http-io.ts';
import { createPreparer } from './prepared.ts';
import { newStats } from './stats.ts';
import { RateLimits } from './limits.ts';
import { FileStore } from './files.ts';

export { ProviderConfigError, type ProviderFakeOptions, type ProviderFaults } from './config.ts';
export type { ProviderStats } from './stats.ts';

export const CHAT_PATHS: readonly string[] = ['/v1/chat/completions', '/api/paas/v4/chat/completions', '/chat/completions'];
const chatPaths = new Set(CHAT_PATHS);

/** Above the 5 s default so pooled client connections are not closed under them between requests. */
const KEEP_ALIVE_MS = 65_000;

async function handleControl(req: IncomingMessage, res: ServerResponse, get: () => Behaviour, set: (b: Behaviour) => void, baseDir?: string): Promise<void> {
  if (req.method === 'GET') {
    sendJson(res, 200, JSON.stringify(describeBehaviour(get())));
    return;
  }
  if (req.method !== 'POST') {
    sendJson(res, 405, errorBody('invalid_request', 'use GET or POST on /__control'));
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    sendJson(res, 400, errorBody('invalid_request', 'body: not valid JSON'));
    return;
  }
  try {
    set(applyControl(get(), body, baseDir));
  } catch (e) {
    if (!(e instanceof ProviderConfigError)) throw e;
    sendJson(res, 400, errorBody('invalid_request', e.message));
    return;
  }
  sendJson(res, 200, JSON.stringify(describeBehaviour(get())));
}

export async function startProviderFake(opts: ProviderFakeOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const replyWords = opts.replyWords ?? 24;
  if (!Number.isInteger(replyWords) || replyWords < 1) throw new ProviderConfigError(`replyWords: must be an integer >= 1, got ${replyWords}`);
  if (opts.port !== undefined && !(Number.isInteger(opts.port) && opts.port >= 0 && opts.port <= 65535)) {
    throw new ProviderConfigError(`port: must be an integer 0..65535, got ${opts.port}`);
  }
  if (opts.seed !== undefined && !Number.isFinite(opts.seed)) throw new ProviderConfigError(`seed: must be a number, got ${opts.seed}`);
  let behaviour = initialBehaviour(opts);
  const seed = opts.seed ?? 1;
  const rng = createRng(seed);
  // Times each fingerprint was seen, by its low 16 bits: a collision only shifts which draw a
  // request gets, alike in two fakes that see the same requests.
  const seen = new Uint32Array(1 << 16);
  const stats = newStats();
  // A per-server prefix keeps ids unique across fakes of one run; the counter keeps them cheap.
  const prefix = Math.floor(rng() * 0xffffffff).toString(36);
  let seq = 0;
  const ctx: ChatContext = {
    rngFor: (fingerprint) => createRng(Math.imul(seed ^ fingerprint, 0x9e3779b1) ^ Math.imul(seen[fingerprint & 0xffff]++ + 1, 0x85ebca6b)),
    behaviour: () => behaviour,
    stats,
    apiKey: opts.apiKey,
    prepare: createPreparer(replyWords),
    nextId: () => `${prefix}${(++seq).toString(36)}`,
    limits: new RateLimits(),
  };
  const files = new FileStore(ctx.nextId);

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (chatPaths.has(path)) {
      stats.requests++;
      stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
      stats.inFlight++;
      res.once('close', () => {
        stats.inFlight--;
        if (!res.writableFinished) stats.aborted++;
      });
      if (req.method !== 'POST') {
        stats.byOutcome['405']++;
        sendJson(res, 405, errorBody('invalid_request', `Method ${req.method} not allowed on ${path}; use POST.`), { allow: 'POST' });
        return;
      }
      await handleChat(req, res, ctx);
      return;
    }
    const fileId = FileStore.match(path);
    if (fileId !== null) {
      await files.handle(req, res, fileId);
      stats.files = files.uploads;
      return;
    }
    if (path === '/__stats' && req.method === 'GET') {
      sendJson(res, 200, JSON.stringify(stats));
      return;
    }
    if (path === '/__control') {
      await handleControl(req, res, () => behaviour, (b) => (behaviour = b), opts.baseDir);
      return;
    }
    stats.byOutcome['404']++;
    sendJson(res, 404, errorBody('not_found', `Unknown request URL: ${req.method} ${path}.`));
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      // A bug in the fake: answer 500 rather than leave the client hanging.
      if (!res.headersSent) sendJson(res, 500, errorBody('server_error', `provider fake: ${(e as Error).message}`));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      reject(new ProviderConfigError(`port: cannot listen on ${host}:${opts.port ?? 0} (${e.code ?? e.message})`));
    };
    server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hanging and keep-alive connections would hold close() open forever.
        server.closeAllConnections();
      })),
  };
}
