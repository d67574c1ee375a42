import { freePort } from '../../common/free-port.ts';

/** The ports of one variant: its WebSocket port and the scenario's named ones. */
export interface VariantPorts {
  ws: number;
  named: Record<string, number>;
}

/**
 * Free loopback ports for every variant at once: the WebSocket port and each named port, all
 * distinct across variants (two variants started in parallel must never be handed the same port,
 * which two independent freePort() calls can do). A port is free when picked; the target binds it
 * moments later (common/free-port.ts says why that is the best a harness can do).
 */
export async function allocateVariantPorts<V extends string>(variants: readonly V[], names: readonly string[]): Promise<Record<V, VariantPorts>> {
  const taken = new Set<number>();
  const next = async (): Promise<number> => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
    throw new Error('no distinct free port after 50 attempts');
  };
  const out = {} as Record<V, VariantPorts>;
  for (const v of variants) {
    const ws = await next();
    const named: Record<string, number> = {};
    for (const n of names) named[n] = await next();
    out[v] = { ws, named };
  }
  return out;
}
