/**
 * One POST .../chat/completions: auth, validation, fault draw, delay, then a JSON answer or an
 * SSE stream. Every random choice for a request comes from a stream keyed by the conversation
 * (see `rngFor`), not by arrival order.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Rng } from '../../common/latency.ts';
import { completionBody, errorBody, MALFORMED_JSON, MALFORMED_SSE, streamEvents, type CompletionMeta } from './bodies.ts';
import type { Behaviour } from './config.ts';
import { drawFault } from './faults.ts';
import { after, BodyTooLargeError, readBody, sendJson } from './http-io.ts';
import type { PrepareResult } from './prepared.ts';
import type { ProviderStats } from './stats.ts';
import type { RateLimits } from './limits.ts';

export interface ChatContext {
  /**
   * The random stream of one request: from the fake's seed, the conversation's fingerprint and how
   * often that fingerprint was seen. Two fakes with one seed thus give the same conversation the
   * same fault, delay and token pacing whatever order requests arrive in: two variants that send
   * the same requests, each to its own world, wait alike (common random numbers), where draws
   * taken in arrival order would pair each call with another call's delay.
   */
  rngFor(fingerprint: number): Rng;
  /** Read per request: /__control swaps it. */
  behaviour(): Behaviour;
  stats: ProviderStats;
  apiKey?: string;
  /** Parsed request and reply for a body text (cached: see prepared.ts). */
  prepare(text: string): PrepareResult;
  nextId(): string;
  /** The requests/tokens-per-minute buckets (configured from behaviour().limits). */
  limits: RateLimits;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

function checkAuth(req: IncomingMessage, apiKey: string): string | null {
  const header = req.headers.authorization;
  if (!header) {
    return "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
  }
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (m && m[1] === apiKey) return null;
  const given = m ? m[1] : header;
  const masked = given.length > 8 ? `${given.slice(0, 3)}***${given.slice(-4)}` : '***';
  return `Incorrect API key provided: ${masked}.`;
}

export async function handleChat(req: IncomingMessage, res: ServerResponse, ctx: ChatContext): Promise<void> {
  const { stats } = ctx;
  const requestId = ctx.nextId();
  const idHeader = { 'x-request-id': `req_${requestId}` };

  if (ctx.apiKey !== undefined) {
    const why = checkAuth(req, ctx.apiKey);
    if (why) {
      stats.byOutcome['401']++;
      sendJson(res, 401, errorBody('invalid_api_key', why), idHeader);
      return;
    }
  }

  let text: string;
  try {
    text = await readBody(req);
  } catch (e) {
    if (res.destroyed) return;
    stats.byOutcome['400']++;
    const status = e instanceof BodyTooLargeError ? 413 : 400;
    sendJson(res, status, errorBody('invalid_request', (e as Error).message), idHeader);
    return;
  }
  const parsed = ctx.prepare(text);
  if (!parsed.ok) {
    stats.byOutcome['400']++;
    sendJson(res, 400, errorBody('invalid_request', parsed.message, parsed.param), idHeader);
    return;
  }
  const { request, reply, tail } = parsed.value;
  const b = ctx.behaviour();
  ctx.limits.configure(b.limits);
  const admitted = ctx.limits.admit(reply.promptTokens + reply.completionTokens);
  if (!admitted.ok) {
    stats.byOutcome['429']++;
    stats.limited[admitted.limit]++;
    const what = admitted.limit === 'rpm' ? 'requests per minute (RPM)' : 'tokens per minute (TPM)';
    sendJson(
      res,
      429,
      errorBody('rate_limit', `Rate limit reached for ${request.model} on ${what}: limit ${b.limits[admitted.limit]}. Please try again in ${admitted.retryAfterSec}s.`),
      { ...idHeader, 'retry-after': String(admitted.retryAfterSec) },
    );
    return;
  }
  const rng = ctx.rngFor(reply.fingerprint);
  const fault = drawFault(rng, b.faults);

  if (fault === '429') {
    stats.byOutcome['429']++;
    sendJson(
      res,
      429,
      errorBody('rate_limit', `Rate limit reached for ${request.model}. Please try again in ${b.faults.retryAfterSec}s.`),
      { ...idHeader, 'retry-after': String(b.faults.retryAfterSec) },
    );
    return;
  }
  if (fault === 'hang') {
    // Never answer; the client's timeout (or the server closing) ends it.
    stats.byOutcome.hang++;
    stats.hanging++;
    res.once('close', () => stats.hanging--);
    return;
  }

  // Streams wait for the first token (headers go out with it, as providers that queue the request
  // do), JSON answers for the whole reply; failures take as long.
  const first = request.stream ? (b.ttft ?? b.latency) : b.latency;
  const delayUs = first ? first.sampleUs(rng) : 0;

  after(res, delayUs, () => {
    if (fault === '500') {
      stats.byOutcome['500']++;
      sendJson(res, 500, errorBody('server_error', 'The server had an error while processing your request. Sorry about that!'), idHeader);
      return;
    }
    if (fault === '503') {
      stats.byOutcome['503']++;
      sendJson(res, 503, errorBody('overloaded', 'The engine is currently overloaded, please try again later.'), idHeader);
      return;
    }
    if (fault === 'malformed') {
      stats.byOutcome.malformed++;
      if (request.stream) {
        res.writeHead(200, { ...SSE_HEADERS, ...idHeader });
        res.end(MALFORMED_SSE);
      } else {
        sendJson(res, 200, MALFORMED_JSON, idHeader);
      }
      return;
    }
    const meta: CompletionMeta = { id: `chatcmpl-${requestId}`, created: Math.floor(Date.now() / 1000), model: request.model };
    if (!request.stream) {
      stats.byOutcome.ok++;
      sendJson(res, 200, completionBody(meta, tail), idHeader);
      return;
    }
    stats.byOutcome.stream++;
    const events = streamEvents(meta, reply, request.includeUsage);
    res.writeHead(200, { ...SSE_HEADERS, ...idHeader });
    const tokenDelay = b.tokenDelay;
    if (!tokenDelay) {
      res.end(events.join(''));
      return;
    }
    // events: [role, piece..., finish, (usage), DONE]; the role and first piece go out together
    // (the first token already waited for ttft), then one piece per tokenDelay.
    const lastPiece = reply.pieces.length;
    res.write(events[0] + events[1]);
    let i = 2;
    const step = (): void => {
      if (i > lastPiece) {
        res.end(events.slice(i).join(''));
        return;
      }
      res.write(events[i++]);
      after(res, tokenDelay.sampleUs(rng), step);
    };
    after(res, tokenDelay.sampleUs(rng), step);
  });
}
