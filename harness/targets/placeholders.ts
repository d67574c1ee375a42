import { UsageError } from '../../common/exit-codes.ts';

/**
 * Placeholders in a variant's target command, in env values and in the exactness URL: what the
 * harness knows only when it starts the target.
 *
 * | placeholder    | becomes                                                          |
 * |----------------|------------------------------------------------------------------|
 * | `{port}`       | the target's WebSocket port                                      |
 * | `{port:NAME}`  | the variant's own free port NAME (the scenario's `ports`)        |
 * | `{provider}`   | the world's provider base URL, `http://127.0.0.1:P`              |
 * | `{supabase}`   | the world's Supabase URL                                         |
 * | `{redis}`      | the world's Redis URL, `redis://127.0.0.1:P`                     |
 * | `{dir}`        | the folder of the scenario file (a daemon kept beside its scenario) |
 *
 * Anything else in braces is left alone (a shell's `{}`, JSON in an argument).
 */
const PLACEHOLDER = /\{(port(?::[^{}\s]*)?|provider|supabase|redis|dir)\}/g;
const PORT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** The world placeholders: each needs the world to be running. */
export const WORLD_PLACEHOLDERS = ['provider', 'supabase', 'redis'] as const;
export type WorldPart = (typeof WORLD_PLACEHOLDERS)[number];

export interface PlaceholderValues {
  /** The WebSocket port; undefined where there is none to give (a url: target). */
  port?: number;
  ports: Readonly<Record<string, number>>;
  world: Readonly<Record<WorldPart, string>> | null;
  dir?: string;
}

/** The placeholder names used in `text` (`port`, `port:health`, `provider`...). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** Problems with the placeholders of `text` given the declared port names (the caller names the field). */
export function placeholderProblems(text: string, declaredPorts: readonly string[]): string[] {
  const p: string[] = [];
  for (const name of placeholdersIn(text)) {
    if (!name.startsWith('port:')) continue;
    const port = name.slice('port:'.length);
    if (!PORT_NAME.test(port)) p.push(`{${name}}: expected a port name of letters, digits, "_" or "-"`);
    else if (!declaredPorts.includes(port)) p.push(`{${name}}: "${port}" is not in the scenario's ports (${declaredPorts.length > 0 ? declaredPorts.join(', ') : 'none declared'})`);
  }
  return p;
}

/** True when `text` needs the world (uses {provider}, {supabase} or {redis}). */
export function usesWorld(text: string): boolean {
  return placeholdersIn(text).some((n) => (WORLD_PLACEHOLDERS as readonly string[]).includes(n));
}

/** `text` with every placeholder replaced; a value that is not there is a UsageError naming `where`. */
export function expandPlaceholders(text: string, v: PlaceholderValues, where: string): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    if (name === 'port') {
      if (v.port === undefined) throw new UsageError(`${where}: ${whole}: this target has no port the harness chose`);
      return String(v.port);
    }
    if (name.startsWith('port:')) {
      const port = v.ports[name.slice('port:'.length)];
      if (port === undefined) throw new UsageError(`${where}: ${whole}: no such port (the scenario's ports: ${Object.keys(v.ports).join(', ') || 'none'})`);
      return String(port);
    }
    if (name === 'dir') {
      if (v.dir === undefined) throw new UsageError(`${where}: ${whole}: no scenario file to take the folder of`);
      return v.dir;
    }
    if (v.world === null) throw new UsageError(`${where}: ${whole}: no world is running for this target`);
    return v.world[name as WorldPart];
  });
}

/** Every env value expanded (names are left as they are). */
export function expandEnv(env: Readonly<Record<string, string>>, v: PlaceholderValues, where: string): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, val]) => [k, expandPlaceholders(val, v, `${where} env.${k}`)]));
}
