/** Tool lookup by name (after suffix stripping) and the list_tools payload, rendered once. */
import type { Tool } from './types.ts';

/** MCP clients alias tools with these suffixes (EXAI-PROTOCOL.md); the daemon strips them. */
const SUFFIXES = ['_EXAI-WS', '-EXAI-WS', '_EXAI_WS', '-EXAI_WS'];

export function stripToolSuffix(name: string): string {
  // Cheap guard first: only names that can carry a suffix pay for the loop.
  if (name.length < 9 || name.charCodeAt(name.length - 1) !== 83 /* S */) return name;
  for (const s of SUFFIXES) if (name.endsWith(s)) return name.slice(0, -s.length);
  return name;
}

export class ToolRegistry {
  private readonly byName = new Map<string, Tool>();
  private listJson: string | null = null;

  constructor(tools: Tool[]) {
    for (const t of tools) this.byName.set(t.name, t);
  }

  get(name: string): Tool | undefined {
    return this.byName.get(name);
  }

  /** JSON array for list_tools_res, computed once. */
  toolsJson(): string {
    this.listJson ??= JSON.stringify(
      [...this.byName.values()].map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
    );
    return this.listJson;
  }
}
