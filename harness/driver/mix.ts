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
  /** One weighted draw. */
  pick(rng: Rng): CompiledEntry;
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
    return { toolNames, pick: () => only };
  }
  return {
    toolNames,
    pick(rng) {
      const x = rng() * total;
      for (let i = 0; i < cumulative.length - 1; i++) if (x < cumulative[i]) return entries[i];
      return entries[entries.length - 1];
    },
  };
}
