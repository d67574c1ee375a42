/**
 * overbench as a user gets it: `npm pack`, the tarball installed as a dependency of a fresh project
 * (packages from npm's cache when it has them, `--prefer-offline`), then `npx overbench tight` and
 * `npx overbench realistic` in that project, and the installed bin run from a folder outside any
 * project (no node_modules above it: a bare `--import tsx` there fails, so this is what proves tsx
 * is resolved from the package). Every run must reach a verdict (exit 0, 1 or 3, never 2) and
 * write its result.json under the reports/ of the folder it ran from, never into node_modules.
 *
 * Slow by nature (an npm install): about a minute and a half in all.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../common/tsx.ts';

const run = promisify(execFile);
const VERDICT_CODES = [0, 1, 3];

/**
 * Our environment without what `npm test` sets for its own package (npm_package_*, the lifecycle,
 * the local prefix): the npm commands below must act on the temp project, not on this repo.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_STEP_SUMMARY: '' };
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|config_local_prefix$|command$)/i.test(key) || key === 'INIT_CWD') delete env[key];
  }
  return env;
}

let root = '';
let project = '';
let elsewhere = '';

/** Run a command to its end: exit code and output (stderr's tail is what explains a failure). */
function runIn(cwd: string, command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs / 1000} s; stderr: ${err.slice(-2000)}`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** The run folders (each with its result.json) under `dir`/reports. */
function resultsUnder(dir: string): string[] {
  const reports = join(dir, 'reports');
  if (!existsSync(reports)) return [];
  return readdirSync(reports, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(reports, e.name, 'result.json')))
    .map((e) => e.name);
}

async function expectVerdictRun(cwd: string, command: string, args: string[], timeoutMs: number): Promise<void> {
  const before = resultsUnder(cwd).length;
  const r = await runIn(cwd, command, args, timeoutMs);
  expect(VERDICT_CODES, `${command} ${args.join(' ')} exited ${r.code}; stderr:\n${r.err.slice(-3000)}`).toContain(r.code);
  expect(resultsUnder(cwd).length, `a new result.json under ${cwd}/reports`).toBe(before + 1);
  // Nothing goes inside the installed package.
  expect(existsSync(join(project, 'node_modules/overbench/reports'))).toBe(false);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'overbench-installed-'));
  project = join(root, 'project');
  elsewhere = join(root, 'elsewhere');
  mkdirSync(project);
  mkdirSync(elsewhere);
  const packed = await run('npm', ['pack', '--json', '--pack-destination', root], { cwd: REPO_ROOT, env: cleanEnv(), maxBuffer: 64 << 20 });
  const tarball = join(root, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'overbench-user', version: '1.0.0', private: true }));
  const installed = await runIn(project, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', tarball], 170_000);
  if (installed.code !== 0) throw new Error(`npm install ${tarball} failed (${installed.code}):\n${installed.err.slice(-3000)}`);
}, 180_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('overbench installed as a dependency', () => {
  it('the tarball holds the sources, not the tests or the reports', () => {
    const pkg = join(project, 'node_modules/overbench');
    for (const p of ['bin/overbench.mjs', 'index.ts', 'common/tsx.ts', 'daemon/main.ts', 'fakes/main.ts', 'harness/cli/main.ts', 'harness/driver/main.ts', 'scenarios/hot-path-open.ts']) {
      expect(existsSync(join(pkg, p)), p).toBe(true);
    }
    expect(existsSync(join(pkg, 'reports'))).toBe(false);
    expect(existsSync(join(pkg, 'harness/cli/installed-package.e2e.test.ts'))).toBe(false);
  });

  it('npx overbench tight --profile smoke: a verdict, result in the project reports/', async () => {
    await expectVerdictRun(project, 'npx', ['overbench', 'tight', '--profile', 'smoke'], 120_000);
  }, 130_000);

  it('npx overbench realistic --scenario hot-path-open --profile smoke: a verdict, result in the project reports/', async () => {
    await expectVerdictRun(project, 'npx', ['overbench', 'realistic', '--scenario', 'hot-path-open', '--profile', 'smoke'], 120_000);
  }, 130_000);

  it('the installed bin from a folder outside any project (tight workers, driver, daemons, fakes)', async () => {
    const bin = join(project, 'node_modules/overbench/bin/overbench.mjs');
    await expectVerdictRun(elsewhere, process.execPath, [bin, 'tight', '--profile', 'smoke', '--rounds', '1', '--backends', 'fast'], 90_000);
    await expectVerdictRun(elsewhere, process.execPath, [bin, 'realistic', '--scenario', 'hot-path-open', '--profile', 'smoke', '--rounds', '1'], 90_000);
  }, 190_000);
});
