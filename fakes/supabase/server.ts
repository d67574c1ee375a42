/**
 * The Supabase fake: PostgREST (/rest/v1) and Storage (/storage/v1) as supabase-js v2 calls them,
 * on a memory or PostgreSQL store, with a latency model and a 503 rate per request.
 * `POST /__control` {latency?, errorRate?} changes the behaviour during a run; GET reads it.
 * `GET /__stats` counts what was served (stats.ts). Any apikey / bearer token is accepted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRng, sleepUs } from '../../common/latency.ts';
import type { RunningServer } from '../common/running.ts';
import { SupabaseConfigError, applyControl, describeBehaviour, initialBehaviour, type Behaviour, type SupabaseFakeOptions } from './config.ts';
import { injectedUnavailable } from './errors.ts';
import { BodyTooLargeError, json, readBody, send, type FakeResponse } from './http-io.ts';
import { openStore } from './open-store.ts';
import { handleRest } from './rest.ts';
import { count, newStats, routeKey } from './stats.ts';
import { handleStorage, storageError } from './storage.ts';
import type { StoreKind } from './store.ts';
import { listen } from '../../common/listen.ts';

export type { SupabaseFakeOptions } from './config.ts';
export type { SupabaseStats } from './stats.ts';
export { SupabaseConfigError } from './config.ts';
export { PostgresUnavailableError } from './postgres-cluster.ts';

export interface RunningSupabaseFake extends RunningServer {
  readonly storeKind: StoreKind;
  /** Temp directory of the throwaway PostgreSQL cluster, when this fake started one. */
  readonly clusterDir?: string;
}

export async function startSupabaseFake(opts: SupabaseFakeOptions = {}): Promise<RunningSupabaseFake> {
  let behaviour: Behaviour = initialBehaviour(opts);
  const rng = createRng(opts.seed ?? 1);
  const opened = await openStore(opts);
  const { store } = opened;
  const stats = newStats();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (e) {
      if (e instanceof BodyTooLargeError) send(res, json(413, { code: 'PGRST413', details: null, hint: null, message: e.message }, { connection: 'close' }), false);
      else res.destroy();
      return;
    }
    if (path === '/__control') {
      send(res, control(method, body), false);
      return;
    }
    if (path === '/__stats') {
      send(res, json(200, stats), false);
      return;
    }
    const isStorage = path.startsWith('/storage/v1/');
    if (!isStorage && !path.startsWith('/rest/v1/')) {
      send(res, json(404, { message: `no route for ${method} ${path} (the fake serves /rest/v1, /storage/v1, /__control and /__stats)` }), false);
      return;
    }
    stats.inFlight++;
    let reply: FakeResponse;
    try {
      const b = behaviour;
      if (b.latency) await sleepUs(b.latency.sampleUs(rng));
      if (b.errorRate > 0 && rng() < b.errorRate) {
        stats.injectedFaults++;
        reply = isStorage ? storageError(503, 'ServiceUnavailable', 'fault injected by the overbench Supabase fake') : json(503, injectedUnavailable().body());
      } else if (isStorage) {
        reply = await handleStorage(store, { method, path: path.slice(12), headers: req.headers, body });
      } else {
        reply = await handleRest(store, { method, path: path.slice(9), params: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)), headers: req.headers, body });
      }
    } finally {
      stats.inFlight--;
    }
    count(stats, routeKey(method, path), reply.status);
    send(res, reply, method === 'HEAD');
  };

  function control(method: string, body: Buffer): FakeResponse {
    if (method === 'GET') return json(200, describeBehaviour(behaviour));
    if (method !== 'POST') return json(405, { error: 'use GET or POST on /__control' });
    try {
      behaviour = applyControl(behaviour, JSON.parse(body.toString('utf8') || '{}'), opts.baseDir);
      return json(200, describeBehaviour(behaviour));
    } catch (e) {
      if (e instanceof SupabaseConfigError || e instanceof SyntaxError) return json(400, { error: e.message });
      throw e;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, json(500, { code: 'XX000', details: null, hint: null, message: (e as Error).message }), false);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  let port: number;
  try {
    port = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  } catch (e) {
    await opened.close();
    const err = e as NodeJS.ErrnoException;
    throw new SupabaseConfigError(`port: cannot listen on ${opts.host ?? '127.0.0.1'}:${opts.port ?? 0} (${err.code ?? err.message})`);
  }
  let closing: Promise<void> | null = null;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    storeKind: store.kind,
    clusterDir: opened.clusterDir,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await opened.close();
      })();
      return closing;
    },
  };
}
