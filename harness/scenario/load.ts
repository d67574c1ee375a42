import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../common/exit-codes.ts';
import { parseJsonWithPlace } from '../../common/json.ts';
import { secrets } from '../../common/redact.ts';
import { describeIssues } from './issues.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

/** Where the built-in scenarios live (repo's scenarios/). */
export const BUILTIN_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../scenarios');

const EXTENSIONS = ['.ts', '.js', '.mjs', '.json'] as const;

export interface LoadedScenario {
  scenario: Scenario;
  /** The file it came from, as the user named it (relative paths stay relative for messages). */
  file: string;
}

/** Built-in scenario names: the scenario files in scenarios/ (tests and helpers excluded). */
export async function builtinScenarioNames(): Promise<string[]> {
  const files = await readdir(BUILTIN_DIR).catch(() => [] as string[]);
  return files
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}


async function importDefault(file: string): Promise<unknown> {
  if (file.endsWith('.json')) return parseJsonWithPlace(await readFile(file, 'utf8'));
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  if (mod.default === undefined) throw new Error('no default export (write `export default defineScenario({...})`)');
  return mod.default;
}

/** Problems with one file, each already prefixed with the file name. Never throws. */
export async function loadScenarioFile(file: string): Promise<{ loaded?: LoadedScenario; problems: string[] }> {
  const shown = displayPath(file);
  if (!EXTENSIONS.some((e) => file.endsWith(e))) {
    return { problems: [`${shown}: unsupported file type (expected ${EXTENSIONS.join(', ')})`] };
  }
  let raw: unknown;
  try {
    await access(file);
    raw = await importDefault(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'file not found' : err.code === 'EACCES' ? 'permission denied' : err.message.split('\n')[0];
    return { problems: [`${shown}: cannot load: ${why}`] };
  }
  // reportInput: each problem can quote the value it rejects ("clients: expected a number > 0, got -1").
  const parsed = scenarioSchema({ baseDir: path.dirname(file) }).safeParse(raw, { reportInput: true });
  if (!parsed.success) return { problems: describeIssues(parsed.error.issues).map((p) => `${shown}: ${p}`) };
  // From here on the run knows these values: no file or log line may show them (common/redact.ts).
  secrets.addEnv(parsed.data.env);
  for (const v of Object.values(parsed.data.variants ?? {})) secrets.addEnv(v?.env);
  return { loaded: { scenario: parsed.data, file: shown }, problems: [] };
}

function looksLikePath(ref: string): boolean {
  return ref.includes('/') || ref.includes(path.sep) || EXTENSIONS.some((e) => ref.endsWith(e));
}

/**
 * Resolve every `--scenario` reference (a built-in name or a path); none = every built-in.
 * All problems of all files are collected and thrown together as one UsageError.
 */
export async function loadScenarios(refs: readonly string[]): Promise<LoadedScenario[]> {
  const builtins = await builtinScenarioNames();
  const files: string[] = [];
  const problems: string[] = [];
  for (const ref of refs.length > 0 ? refs : builtins) {
    if (looksLikePath(ref)) files.push(path.resolve(ref));
    else if (builtins.includes(ref)) files.push(path.join(BUILTIN_DIR, `${ref}.ts`));
    else problems.push(`unknown scenario "${ref}" (built in: ${builtins.join(', ')}; or a path to a ${EXTENSIONS.join('/')} file)`);
  }
  const results = await Promise.all(files.map((f) => loadScenarioFile(f)));
  const loaded: LoadedScenario[] = [];
  for (const r of results) {
    problems.push(...r.problems);
    if (r.loaded) loaded.push(r.loaded);
  }
  const seen = new Set<string>();
  for (const l of loaded) {
    if (seen.has(l.scenario.name)) problems.push(`${l.file}: name: scenario "${l.scenario.name}" is selected twice`);
    seen.add(l.scenario.name);
  }
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return loaded;
}
