import type { Rng } from '../../common/latency.ts';
import type { ProtocolAdapter, RequestBuilder } from '../protocol/index.ts';
import type { MixEntry } from './messages.ts';

/** A mix entry made ready for the hot loop: its tool's index and a frame builder. */
export interface CompiledEntry {
  tool: number;
  build: RequestBuilder;
}

export interface CompiledMix {
  /** Distinct tool names; `CompiledEntry.tool` indexes this. */
  toolNames: string[];
  /**
   * A stream of entries that holds the weights over every stretch of it, from a random start
   * (one draw of `rng`): see `spreadSequence`. One per client (closed model) or per schedule (open).
   */
  sequence(rng: Rng): () => CompiledEntry;
}

/** 1/phi: the step of the golden-ratio (Weyl) sequence, the most evenly spread of them all. */
const GOLDEN_STEP = 0.6180339887498949;

/**
 * Points u_k = frac(u_0 + k/phi) in [0, 1): any n consecutive ones fall in an interval of width w
 * about n*w times, give or take ~1 (three-distance theorem), where independent draws would give
 * or take sqrt(n*w*(1-w)). So a window's mix is the scenario's mix: with 130 requests and a 70%
 * entry, independent draws move that entry's share by +/-4 points from window to window, and a
 * window's CPU per request with it (measured: a quarter of the A/A spread in chat-realistic).
 */
export function spreadSequence(rng: Rng): () => number {
  let u = rng();
  return () => {
    u += GOLDEN_STEP;
    if (u >= 1) u -= 1;
    return u;
  };
}

/**
 * The argument a non-repeat entry varies so that no two requests are alike (a result cache must
 * not answer them): `prompt` when there is one, else the first string argument. An entry with no
 * string argument is sent as written (nothing to vary without changing its shape).
 */
export function uniqueFieldOf(args: Record<string, unknown>): string | undefined {
  if (typeof args.prompt === 'string') return 'prompt';
  return Object.keys(args).find((k) => typeof args[k] === 'string');
}

/**
 * `salt` goes into every varied argument: request ids restart at 1 in every driver, and the
 * baseline and instrumented daemons share one world (one Redis), so without it the variant that
 * runs second in a round would be answered from the cache the first one filled.
 */
export function compileMix(mix: readonly MixEntry[], adapter: ProtocolAdapter, salt = ''): CompiledMix {
  const toolNames: string[] = [];
  const entries: CompiledEntry[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const e of mix) {
    let tool = toolNames.indexOf(e.tool);
    if (tool < 0) tool = toolNames.push(e.tool) - 1;
    const args = e.args ?? {};
    const field = e.repeat === true ? undefined : uniqueFieldOf(args);
    const salted = field === undefined || salt === '' ? args : { ...args, [field]: `${String(args[field])} [${salt}]` };
    entries.push({ tool, build: adapter.compileRequest(e.tool, salted, field) });
    total += e.weight;
    cumulative.push(total);
  }
  if (entries.length === 1) {
    const only = entries[0];
    return { toolNames, sequence: () => () => only };
  }
  return {
    toolNames,
    sequence(rng) {
      const next = spreadSequence(rng);
      return () => {
        const x = next() * total;
        for (let i = 0; i < cumulative.length - 1; i++) if (x < cumulative[i]) return entries[i];
        return entries[entries.length - 1];
      };
    },
  };
}
