import { parseLatency } from '../../common/latency.ts';
import { errorRuleProblems } from '../protocol/error-rules.ts';
import type { DriverConfig } from './messages.ts';
import { MAX_SESSION_ID, sessionIds } from './session-ids.ts';

/** Every problem with a DriverConfig, each naming its field; empty when it is usable. */
export function validateDriverConfig(c: DriverConfig): string[] {
  const p: string[] = [];
  const posInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (typeof c.url !== 'string' || !/^wss?:\/\//.test(c.url)) p.push(`url: expected ws://host:port, got ${JSON.stringify(c.url)}`);
  if (c.protocol !== 'exai' && c.protocol !== 'mcp') p.push(`protocol: expected "exai" or "mcp", got ${JSON.stringify(c.protocol)}`);
  if (!posInt(c.clients)) p.push(`clients: expected a positive integer, got ${JSON.stringify(c.clients)}`);
  if (c.idleClients !== undefined && !(Number.isInteger(c.idleClients) && c.idleClients >= 0)) p.push(`idleClients: expected an integer >= 0, got ${JSON.stringify(c.idleClients)}`);
  if (!posInt(c.requestTimeoutMs)) p.push(`requestTimeoutMs: expected a positive integer, got ${JSON.stringify(c.requestTimeoutMs)}`);
  if (typeof c.seed !== 'number' || !Number.isFinite(c.seed)) p.push(`seed: expected a number, got ${JSON.stringify(c.seed)}`);
  if (c.salt !== undefined && typeof c.salt !== 'string') p.push(`salt: expected a string, got ${JSON.stringify(c.salt)}`);
  if (typeof c.sessionPrefix !== 'string' || c.sessionPrefix.length === 0) {
    p.push(`sessionPrefix: expected a non-empty string, got ${JSON.stringify(c.sessionPrefix)}`);
  } else {
    const longest = sessionIds(c.sessionPrefix).idle(Math.max(c.idleClients ?? 0, c.clients ?? 0));
    if (longest.length > MAX_SESSION_ID) {
      p.push(`sessionPrefix: too long: session ids such as "${longest}" exceed the ${MAX_SESSION_ID} characters EXAI allows`);
    }
  }
  if (c.churn !== undefined && !posInt(c.churn.everyRequests)) p.push(`churn.everyRequests: expected a positive integer, got ${JSON.stringify(c.churn.everyRequests)}`);
  if (!Array.isArray(c.mix) || c.mix.length === 0) p.push('mix: expected at least one entry');
  else {
    c.mix.forEach((e, i) => {
      if (typeof e.tool !== 'string' || e.tool === '') p.push(`mix[${i}].tool: expected a tool name`);
      if (!(typeof e.weight === 'number' && e.weight > 0)) p.push(`mix[${i}].weight: expected a positive number, got ${JSON.stringify(e.weight)}`);
    });
  }
  if (c.errorRules !== undefined) p.push(...errorRuleProblems(c.errorRules));
  const load = c.load;
  if (load?.model === 'closed') {
    if (load.thinkTime !== undefined) {
      try {
        parseLatency(load.thinkTime);
      } catch (e) {
        p.push(`load.thinkTime: ${(e as Error).message}`);
      }
    }
  } else if (load?.model === 'open') {
    if (!(typeof load.ratePerSec === 'number' && load.ratePerSec > 0)) p.push(`load.ratePerSec: expected a positive number, got ${JSON.stringify(load.ratePerSec)}`);
    if (load.arrival !== undefined && load.arrival !== 'poisson' && load.arrival !== 'uniform') p.push(`load.arrival: expected "poisson" or "uniform", got ${JSON.stringify(load.arrival)}`);
    if (load.maxInFlight !== undefined && !posInt(load.maxInFlight)) p.push(`load.maxInFlight: expected a positive integer, got ${JSON.stringify(load.maxInFlight)}`);
  } else {
    p.push(`load.model: expected "closed" or "open", got ${JSON.stringify((load as { model?: unknown } | undefined)?.model)}`);
  }
  return p;
}
