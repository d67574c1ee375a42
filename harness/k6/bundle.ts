/**
 * The k6 scripts (k6/scenarios/*.ts, TypeScript typed with @types/k6) bundled to plain JS for
 * `k6 run`: one self-contained ES module per scenario, k6's own modules left as imports.
 *
 *   node --import tsx harness/k6/bundle.ts [OUT_DIR]     (default k6/dist)
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { REPO_ROOT } from '../../common/tsx.ts';

export const K6_DIR = path.join(REPO_ROOT, 'k6');
export const K6_SCENARIOS_DIR = path.join(K6_DIR, 'scenarios');

/** The scripts' names: every k6/scenarios/NAME.ts that is not NAME.data.ts. */
export function k6ScriptNames(): string[] {
  return readdirSync(K6_SCENARIOS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.data.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Bundle every script into `outDir/NAME.js`; resolves with the files written. */
export async function bundleK6Scripts(outDir = path.join(K6_DIR, 'dist')): Promise<string[]> {
  const names = k6ScriptNames();
  await build({
    entryPoints: names.map((n) => path.join(K6_SCENARIOS_DIR, `${n}.ts`)),
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    // k6 runs modern JavaScript (its Sobek runtime); its built-in modules are resolved by k6 itself.
    target: 'es2020',
    external: ['k6', 'k6/*'],
    logLevel: 'silent',
  });
  return names.map((n) => path.join(outDir, `${n}.js`));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  bundleK6Scripts(process.argv[2] ? path.resolve(process.argv[2]) : undefined).then(
    (files) => process.stdout.write(`${files.map((f) => path.relative(process.cwd(), f)).join('\n')}\n`),
    (e: unknown) => {
      process.stderr.write(`k6 bundle: ${(e as Error).message}\n`);
      process.exit(2);
    },
  );
}
