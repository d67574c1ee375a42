import type { ProtocolAdapter } from './adapter.ts';
import { exaiAdapter } from './exai.ts';
import { mcpAdapter } from './mcp.ts';

export type { FrameInfo, FrameKind, Handshake, HandshakeOptions, ProtocolAdapter, RequestBuilder } from './adapter.ts';
export { newFrameInfo } from './adapter.ts';
export { errorRuleProblems, withErrorRules, type ErrorRule } from './error-rules.ts';
export { OrphanErrors, type AttributedError } from './orphan-attribution.ts';

/** Adapters by the name a scenario's `protocol` field uses. */
export const adapters: Record<ProtocolAdapter['name'], ProtocolAdapter> = { exai: exaiAdapter, mcp: mcpAdapter };

export function adapterFor(name: string): ProtocolAdapter {
  const a = (adapters as Record<string, ProtocolAdapter | undefined>)[name];
  if (a === undefined) throw new Error(`unknown protocol "${name}" (expected ${Object.keys(adapters).join(' or ')})`);
  return a;
}
